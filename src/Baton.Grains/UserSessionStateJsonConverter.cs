using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Core.Audit;
using Baton.Core.Ledgers;

namespace Baton.Grains;

/// <summary>
/// The stored JSON of a <see cref="UserSessionState"/>:
/// <c>{"userId":…,"version":…,"ledger":{…LedgerSerializer's document…},"outbox":[{"id":…,"entry":{…}}]}</c>.
/// The ledger part is exactly what <see cref="LedgerSerializer"/> writes, so every store keeps the
/// same bytes; names are camelCase and enums strings, so the document survives renamed .NET types.
/// </summary>
public sealed class UserSessionStateJsonConverter : JsonConverter<UserSessionState>
{
    /// <inheritdoc />
    public override UserSessionState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A user's session state is a JSON object.");
        }

        Ledger? ledger = null;
        if (root.TryGetProperty("ledger", out var ledgerElement) && ledgerElement.ValueKind == JsonValueKind.Object)
        {
            var userId = root.GetProperty("userId").GetString() ?? throw new JsonException("The session state has no userId.");
            var version = root.GetProperty("version").GetInt64();
            // The ledger's own bytes as stored, not written out again: activation reads every user it wakes.
            ledger = LedgerSerializer.Deserialize(userId, version, JsonMarshal.GetRawUtf8Value(ledgerElement));
        }

        var outbox = root.TryGetProperty("outbox", out var outboxElement)
            ? outboxElement.Deserialize(StateJsonContext.Default.LoggedEventArray) ?? []
            : [];
        return new UserSessionState(ledger, [.. outbox]);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, UserSessionState value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        if (value.Ledger is { } ledger)
        {
            writer.WriteString("userId", ledger.UserId);
            writer.WriteNumber("version", ledger.Version);
            writer.WritePropertyName("ledger");
            writer.WriteRawValue(LedgerSerializer.Serialize(ledger), skipInputValidation: true);
        }

        writer.WritePropertyName("outbox");
        JsonSerializer.Serialize(writer, value.Outbox.ToArray(), StateJsonContext.Default.LoggedEventArray);
        writer.WriteEndObject();
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(LoggedEvent[]))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
