namespace Baton.Api.Tests;

/// <summary>The shipped default: one session per account.</summary>
public sealed class SingleDeviceFactory : BatonFactory
{
    public SingleDeviceFactory() => Settings["Baton:Sessions:MaxSessionsPerUser"] = "1";
}

/// <summary>One session per device class, three in all.</summary>
public sealed class DeviceTypeFactory : BatonFactory
{
    public DeviceTypeFactory()
    {
        Settings["Baton:Sessions:MaxSessionsPerUser"] = "3";
        Settings["Baton:Sessions:MaxSessionsPerDeviceType:web"] = "1";
        Settings["Baton:Sessions:MaxSessionsPerDeviceType:mobile"] = "1";
    }
}

/// <summary>At the limit, a new login is refused instead of evicting.</summary>
public sealed class RejectNewFactory : BatonFactory
{
    public RejectNewFactory()
    {
        Settings["Baton:Sessions:MaxSessionsPerUser"] = "1";
        Settings["Baton:Sessions:OnLimit"] = "RejectNew";
    }
}
