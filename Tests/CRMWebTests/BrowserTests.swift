import Testing

@testable import CRMWeb

@Suite("Browsers named for their users")
struct BrowserTests {
    @Test("a User-Agent reads as the browser and the system it runs on")
    func names() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"
        #expect(Browser.describe(chrome) == "Chrome · Linux")
        #expect(Browser.describe("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0") == "Firefox · Windows")
        let edge = "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0"
        #expect(Browser.describe(edge) == "Edge · Windows")
        let iphone =
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
        #expect(Browser.describe(iphone) == "Safari · iPhone")
        #expect(Browser.describe("python-requests/2.32.3") == "python-requests")
        #expect(Browser.describe("") == "—")
    }
}
