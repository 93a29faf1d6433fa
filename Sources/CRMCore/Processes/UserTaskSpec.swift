/// Who does a user task and by when, as the modeler wrote it (Camunda's attributes).
public struct UserTaskSpec: Sendable, Equatable {
    public var assignee: String?
    public var candidateGroups: [String]
    public var candidateUsers: [String]
    public var dueDate: String?
    /// Form fields declared on the task (`camunda:formField`): id, label and type.
    public var formFields: [FormField]

    public struct FormField: Sendable, Equatable {
        public var id: String
        public var label: String
        public var type: String
    }

    public init(
        assignee: String? = nil,
        candidateGroups: [String] = [],
        candidateUsers: [String] = [],
        dueDate: String? = nil,
        formFields: [FormField] = []
    ) {
        self.assignee = assignee
        self.candidateGroups = candidateGroups
        self.candidateUsers = candidateUsers
        self.dueDate = dueDate
        self.formFields = formFields
    }
}
