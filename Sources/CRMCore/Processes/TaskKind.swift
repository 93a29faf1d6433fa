/// What a task does when a token reaches it.
public enum TaskKind: Sendable, Equatable {
    /// `bpmn:task` with no type: passes straight through.
    case none
    case user(UserTaskSpec)
    case manual
    /// A built-in CRM action named by the task's type (`camunda:type`, `camunda:topic`, or the modeler's
    /// implementation attribute; nil when the file names none), with the modeler's input parameters.
    case service(action: String?, parameters: [String: String])
    case script(format: String, script: ProcessScript)
    case send(message: String?)
}
