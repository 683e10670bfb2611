namespace Baton.Core.Ledgers;

/// <summary>The device a session lives on, as the client describes it.</summary>
/// <param name="Id">A stable id the client keeps per installation or browser; a new login from the same id replaces that device's session.</param>
/// <param name="Type">The device class (for example <c>web</c>, <c>mobile</c>, <c>desktop</c>) that per-type limits count.</param>
/// <param name="Name">A human name shown in "my devices" lists.</param>
public sealed record Device(string Id, string Type, string? Name);
