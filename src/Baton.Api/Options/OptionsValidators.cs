using Baton.Core.Storage;
using Baton.Core.Ledgers;
using Baton.Core.Tokens;
using Baton.Core.Users;
using Microsoft.Extensions.Options;

namespace Baton.Api.Options;

/// <summary>Checks options at start-up (ValidateOnStart); each message names the setting to fix.</summary>
internal abstract class OptionsValidator<T> : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = new List<string>();
        Check(options, (ok, message) =>
        {
            if (!ok)
            {
                failures.Add(message);
            }
        });
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    protected abstract void Check(T options, Action<bool, string> require);
}

internal sealed class RetentionOptionsValidator : OptionsValidator<RetentionOptions>
{
    protected override void Check(RetentionOptions o, Action<bool, string> require)
    {
        const string s = RetentionOptions.SectionName;
        require(o.AuditEvents >= TimeSpan.Zero, $"{s}:AuditEvents must not be negative (00:00:00 keeps audit events forever).");
        require(o.Revocations >= TimeSpan.Zero, $"{s}:Revocations must not be negative.");
        require(o.Interval >= TimeSpan.FromSeconds(1), $"{s}:Interval must be at least 1 second.");
        require(o.BatchSize is >= 1 and <= 1_000_000, $"{s}:BatchSize must be between 1 and 1000000.");
    }
}

internal sealed class AccountOptionsValidator : OptionsValidator<AccountOptions>
{
    protected override void Check(AccountOptions o, Action<bool, string> require)
    {
        const string s = AccountOptions.SectionName;
        require(o.PasswordIterations >= 1, $"{s}:PasswordIterations must be at least 1 (OWASP recommends 210000).");
        require(o.MinPasswordLength >= 1 && o.MinPasswordLength <= o.MaxPasswordLength, $"{s}:MinPasswordLength must be between 1 and MaxPasswordLength.");
        require(o.MaxPasswordLength <= 1024, $"{s}:MaxPasswordLength must be at most 1024.");
        require(o.MaxUsernameLength is >= 1 and <= 256, $"{s}:MaxUsernameLength must be between 1 and 256.");
    }
}

internal sealed class CookieOptionsValidator : OptionsValidator<CookieTransportOptions>
{
    protected override void Check(CookieTransportOptions o, Action<bool, string> require)
    {
        const string s = CookieTransportOptions.SectionName;
        require(o.Name.StartsWith("__Host-", StringComparison.Ordinal) && o.Name.Length > 7, $"{s}:Name must start with __Host- (was '{o.Name}').");
        require(!string.IsNullOrWhiteSpace(o.CsrfHeaderName), $"{s}:CsrfHeaderName must not be empty.");
        foreach (var origin in o.AllowedOrigins)
        {
            require(Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.AbsolutePath == "/", $"{s}:AllowedOrigins entry '{origin}' must be an origin such as https://app.example.com.");
        }
    }
}

internal sealed class ApiKeyOptionsValidator : OptionsValidator<ApiKeyOptions>
{
    protected override void Check(ApiKeyOptions o, Action<bool, string> require)
    {
        for (var i = 0; i < o.Keys.Count; i++)
        {
            var key = o.Keys[i];
            var at = $"{ApiKeyOptions.SectionName}:Keys:{i}";
            require(!string.IsNullOrWhiteSpace(key.Name), $"{at}:Name must not be empty.");
            require(key.Sha256.Length == 64 && key.Sha256.All(Uri.IsHexDigit), $"{at}:Sha256 must be 64 hex digits (hash-api-key prints it).");
            foreach (var scope in key.Scopes)
            {
                require(ApiScopes.All.Contains(scope), $"{at}:Scopes has unknown scope '{scope}' (known: {string.Join(", ", ApiScopes.All)}).");
            }
        }
    }
}

internal sealed class RateLimitOptionsValidator : OptionsValidator<RateLimitOptions>
{
    protected override void Check(RateLimitOptions o, Action<bool, string> require)
    {
        const string s = RateLimitOptions.SectionName;
        require(o.LoginPerMinute >= 0, $"{s}:LoginPerMinute must not be negative.");
        require(o.RegisterPerMinute >= 0, $"{s}:RegisterPerMinute must not be negative.");
        require(o.RefreshPerMinute >= 0, $"{s}:RefreshPerMinute must not be negative.");
        require(o.PasswordChecksPerMinute >= 0, $"{s}:PasswordChecksPerMinute must not be negative.");
    }
}

internal sealed class TokenOptionsValidator : OptionsValidator<TokenOptions>
{
    private static bool IsKey(string base64)
    {
        var bytes = new byte[64];
        return Convert.TryFromBase64String(base64, bytes, out var length) && length == 32;
    }

    protected override void Check(TokenOptions o, Action<bool, string> require)
    {
        const string s = TokenOptions.SectionName;
        require(Uri.TryCreate(o.Issuer, UriKind.Absolute, out var issuer) && issuer.Scheme is "https" or "http",
            $"{s}:Issuer must be an absolute http(s) URL, Baton's public base address (was '{o.Issuer}').");
        require(!string.IsNullOrWhiteSpace(o.AccessAudience), $"{s}:AccessAudience must not be empty.");
        require(!string.IsNullOrWhiteSpace(o.RefreshAudience) && !string.Equals(o.RefreshAudience, o.AccessAudience, StringComparison.Ordinal),
            $"{s}:RefreshAudience must not be empty and must differ from AccessAudience.");
        require(!string.IsNullOrWhiteSpace(o.ClientId), $"{s}:ClientId must not be empty.");
        require(o.AccessTokenLifetime >= TimeSpan.FromSeconds(30) && o.AccessTokenLifetime <= TimeSpan.FromDays(1),
            $"{s}:AccessTokenLifetime must be between 30 seconds and 1 day (was {o.AccessTokenLifetime}).");
        require(o.ClockSkew >= TimeSpan.Zero && o.ClockSkew <= TimeSpan.FromMinutes(5), $"{s}:ClockSkew must be between 0 and 5 minutes.");
        require(o.MaxTokenLength is >= 512 and <= 16_384, $"{s}:MaxTokenLength must be between 512 and 16384.");
        require(o.VerifiedTokenCacheSize is >= 0 and <= 10_000_000, $"{s}:VerifiedTokenCacheSize must be between 0 and 10000000.");
        require(Enum.IsDefined(o.AccessAlgorithm), $"{s}:AccessAlgorithm must be ES256, RS256 or HS256.");
        require(o.RetiredRefreshKeyLifetime > TimeSpan.Zero, $"{s}:RetiredRefreshKeyLifetime must be positive.");
        require(o.KeyRefreshInterval >= TimeSpan.FromSeconds(1), $"{s}:KeyRefreshInterval must be at least 1 second.");
        require(o.KeyActivationDelay >= o.KeyRefreshInterval * 2,
            $"{s}:KeyActivationDelay must be at least twice KeyRefreshInterval, so every node has loaded a key before it signs.");
        require(o.KeyRotationInterval == TimeSpan.Zero || o.KeyRotationInterval > o.KeyActivationDelay,
            $"{s}:KeyRotationInterval must be zero (no rotation) or longer than KeyActivationDelay.");
        require(o.MasterKey is null or "" || IsKey(o.MasterKey), $"{s}:MasterKey must be the base64 of 32 random bytes (for example: openssl rand -base64 32).");
    }
}

internal sealed class HttpOptionsValidator : OptionsValidator<HttpLimitOptions>
{
    protected override void Check(HttpLimitOptions o, Action<bool, string> require)
    {
        const string s = HttpLimitOptions.SectionName;
        require(o.MaxRequestBodyBytes is >= 1024 and <= 1024 * 1024, $"{s}:MaxRequestBodyBytes must be between 1024 and 1048576.");
        foreach (var proxy in o.TrustedProxies)
        {
            require(System.Net.IPNetwork.TryParse(proxy, out _) || System.Net.IPAddress.TryParse(proxy, out _),
                $"{s}:TrustedProxies has '{proxy}', which is neither an IP address nor a CIDR network.");
        }
    }
}
