extension String {
    /// Whether the text holds a character no one types: NUL and the other C0/C1 controls except tab and line
    /// breaks. Such text is refused at the edges (API, forms, files), because databases cut text at NUL and
    /// the rest only hides data.
    public var hasControlCharacters: Bool {
        unicodeScalars.contains { scalar in
            (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || (0x7F...0x9F).contains(scalar.value)
        }
    }
}
