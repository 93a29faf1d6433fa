import ArgumentParser; import ServiceLifecycle; import CRMWeb
@main struct Main { static func main() {} }
