using Baton.Testing.Postgres;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Baton.Testing.Storage;

/// <summary>
/// A store contract test. The suite is written once in <see cref="StoreContractTests"/>, so
/// whether a test can run depends on the subclass: one marked <see cref="RequiresPostgresAttribute"/>
/// is skipped, with the reason, where PostgreSQL is neither installed nor configured, and never
/// when <c>CI</c> is set (there it fails if the server cannot start).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Baton.Testing.Storage.StoreFactDiscoverer", "Baton.Testing")]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Marks a <see cref="StoreContractTests"/> subclass that runs against PostgreSQL.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute
{
    /// <summary>Why a test of a marked class is skipped here, or null when it runs.</summary>
    public static string? SkipReason =>
        PostgresServer.IsAvailable || Environment.GetEnvironmentVariable("CI") is { Length: > 0 }
            ? null
            : $"PostgreSQL is not installed here; install it (initdb, pg_ctl) or set {PostgresServer.ConnectionVariable}. With CI set this test fails instead.";
}

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests with the skip rule of their concrete class.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new StoreTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

/// <summary>A contract test case whose skip reason comes from its class.</summary>
public sealed class StoreTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    public StoreTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, display, displayOptions, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        TestMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any() && RequiresPostgresAttribute.SkipReason is { } reason
            ? reason
            : base.GetSkipReason(factAttribute);
}
