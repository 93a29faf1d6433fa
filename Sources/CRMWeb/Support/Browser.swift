/// A browser as its user would name it, from its User-Agent: "Firefox on Windows", "Chrome on Android".
enum Browser {
    static func describe(_ userAgent: String) -> String {
        let browser: String? = [
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("YaBrowser/", "Yandex Browser"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("curl/", "curl"), ("python-requests/", "python-requests"),
        ].first { userAgent.contains($0.0) }?.1
        let system: String? = [
            ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"),
        ].first { userAgent.contains($0.0) }?.1
        switch (browser, system) {
        case (let browser?, let system?): return "\(browser) · \(system)"
        case (let browser?, nil): return browser
        case (nil, let system?): return system
        case (nil, nil): return userAgent.isEmpty ? "—" : String(userAgent.prefix(60))
        }
    }
}
