using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Core.Ledgers;

/// <summary>
/// The ledger's stored document format (UTF-8 JSON), in one place so that every store writes the
/// same bytes. The version is not part of the document: stores keep it in its own column, where
/// compare-and-swap can see it.
/// </summary>
public static class LedgerSerializer
{
    /// <summary>The document bytes of <paramref name="ledger"/>'s sessions.</summary>
    public static byte[] Serialize(Ledger ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return JsonSerializer.SerializeToUtf8Bytes(new LedgerDocument(ledger.Sessions.ToArray(), ledger.ClosedFor), LedgerJsonContext.Default.LedgerDocument);
    }

    /// <summary>Reads a document written by <see cref="Serialize"/> back into a ledger at <paramref name="version"/>.</summary>
    /// <exception cref="JsonException">The document is not a ledger (a bug or a corrupted row, never user input).</exception>
    public static Ledger Deserialize(string userId, long version, ReadOnlySpan<byte> document)
    {
        var doc = JsonSerializer.Deserialize(document, LedgerJsonContext.Default.LedgerDocument)
            ?? throw new JsonException($"The ledger document of user {userId} is null.");
        // Fields added after a document was written read back as their defaults, not as nulls.
        var sessions = new Session[doc.Sessions.Length];
        for (var i = 0; i < sessions.Length; i++)
        {
            var s = doc.Sessions[i];
            sessions[i] = s.Roles.IsDefault || s.Client is null
                ? s with { Roles = s.Roles.IsDefault ? [] : s.Roles, Client = s.Client ?? ClientInfo.None }
                : s;
        }

        return new Ledger(userId, version, [.. sessions]) { ClosedFor = doc.ClosedFor };
    }
}

/// <summary>The stored document. <see cref="ClosedFor"/> is left out while null, so open ledgers keep their earlier bytes.</summary>
internal sealed record LedgerDocument(Session[] Sessions, EndReason? ClosedFor = null);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(LedgerDocument))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
