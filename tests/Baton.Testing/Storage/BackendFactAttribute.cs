using Baton.Testing.Redis;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Baton.Testing.Storage;

/// <summary>
/// A test of a backend contract suite. The suite is written once, so whether a test can run
/// depends on the concrete class: one marked <see cref="RequiresRedisAttribute"/> is skipped, with
/// the reason, where Redis is neither installed nor configured, and never when <c>CI</c> is set
/// (there it fails if no server can be had).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Baton.Testing.Storage.BackendFactDiscoverer", "Baton.Testing")]
public sealed class BackendFactAttribute : FactAttribute;

/// <summary>Marks a contract suite subclass that runs against Redis.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresRedisAttribute : Attribute;

/// <summary>Discovers <see cref="BackendFactAttribute"/> tests with the skip rule of their concrete class.</summary>
public sealed class BackendFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new BackendTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

/// <summary>A contract test case whose skip reason comes from its class.</summary>
public sealed class BackendTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public BackendTestCase()
    {
    }

    public BackendTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, display, displayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresRedisAttribute)).Any() && RedisServer.SkipReason is { } reason
            ? reason
            : base.GetSkipReason(factAttribute);
}
