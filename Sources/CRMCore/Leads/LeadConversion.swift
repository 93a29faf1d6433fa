/// What converting a lead asks for: the company to attach the contact to (an existing one, a new one made from the
/// lead, or none) and, optionally, a deal to open.
public struct LeadConversion: Sendable, Equatable {
    public enum CompanyChoice: Sendable, Equatable {
        case existing(CompanyID)
        case create
        case none
    }

    public struct NewDeal: Sendable, Equatable {
        public var pipelineID: PipelineID
        public var title: String
        public var amount: Money?

        public init(pipelineID: PipelineID, title: String, amount: Money?) {
            self.pipelineID = pipelineID
            self.title = title
            self.amount = amount
        }
    }

    public var company: CompanyChoice
    public var deal: NewDeal?
    /// A person we know already (the same e-mail or phone): the lead joins them instead of making a second contact.
    public var existingContact: ContactID?

    public init(company: CompanyChoice, deal: NewDeal? = nil, existingContact: ContactID? = nil) {
        self.company = company
        self.deal = deal
        self.existingContact = existingContact
    }
}

extension LeadFields {
    /// The company a lead's details describe, for a conversion that creates one.
    public var companyFields: CompanyFields {
        CompanyFields(
            name: companyName,
            industry: industry,
            size: companySize,
            addresses: country.isEmpty && region.isEmpty ? [] : [PostalAddress(region: region, country: country)],
            tags: tags
        )
    }

    /// The person a lead's details describe. A lead with only a company name gives a contact named after it,
    /// so no conversion loses the lead's e-mails and phones.
    public func contactFields(company: CompanyID?) -> ContactFields {
        ContactFields(
            firstName: firstName,
            lastName: lastName.isEmpty && firstName.isEmpty ? displayName : lastName,
            jobTitle: jobTitle,
            companyID: company,
            phones: phones,
            emails: emails,
            tags: tags
        )
    }

    /// The deal title a conversion proposes.
    public var dealTitle: String { companyName.isEmpty ? displayName : companyName }
}
