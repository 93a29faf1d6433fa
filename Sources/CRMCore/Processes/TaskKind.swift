/// What a task does when a token reaches it.
public enum TaskKind: Sendable, Equatable {
    /// `bpmn:task` with no type: passes straight through.
    case none
    case user(UserTaskSpec)
    case manual
    /// A built-in CRM action named by the task's type (`camunda:type`, `camunda:topic`, or the modeler's
    /// implementation attribute); nil when the file names none.
    case service(action: String?)
    case script(format: String, script: ProcessScript)
    case send(message: String?)
}
