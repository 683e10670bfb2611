using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>The device a session lives on (the message form of <see cref="Device"/>).</summary>
/// <param name="Id">A stable id per installation or browser; a new login from it replaces its session.</param>
/// <param name="Type">The device class per-type limits count (<c>web</c>, <c>mobile</c>, ...).</param>
/// <param name="Name">A human name for session lists.</param>
[GenerateSerializer]
[Immutable]
[Alias("Baton.DeviceDetails")]
public sealed record DeviceDetails(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string? Name)
{
    /// <summary>The message form of <paramref name="device"/>.</summary>
    public static DeviceDetails From(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new(device.Id, device.Type, device.Name);
    }

    /// <summary>The domain form.</summary>
    public Device ToDevice() => new(Id, Type, Name);
}
