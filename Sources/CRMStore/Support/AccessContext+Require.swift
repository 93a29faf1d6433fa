public import CRMCore

extension AccessContext {
    /// Refuses, as the store does, what this context's role may not do (`Capability`).
    public func require(_ capability: Capability) throws(StoreError) {
        guard may(capability) else { throw StoreError.forbidden(capability.refusal) }
    }
}
