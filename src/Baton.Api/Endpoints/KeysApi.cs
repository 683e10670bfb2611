using Baton.Core.Tokens;
using Baton.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Baton.Api.Endpoints;

/// <summary>The signing key ring, for the admin role or an API key with <c>sessions:admin</c>.</summary>
internal static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/admin/keys").WithTags("Admin").RequireAuthorization(AuthSchemes.AdminPolicy);
        group.MapGet("/", List);
        group.MapPost("/rotate", Rotate);
        return group;
    }

    /// <summary>Every key with its state; never the private key.</summary>
    public static Ok<KeyView[]> List(SigningKeys keys, TimeProvider time) =>
        TypedResults.Ok(Views(keys.Tokens.Ring, time.GetUtcNow()));

    /// <summary>Adds successors that activate after <c>Baton:Tokens:KeyActivationDelay</c> (published in the JWKS until then).</summary>
    public static async Task<Ok<KeyView[]>> Rotate(SigningKeys keys, IOptions<TokenOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        await keys.RotateAsync(options.Value.KeyActivationDelay, cancellationToken);
        return TypedResults.Ok(Views(keys.Tokens.Ring, time.GetUtcNow()));
    }

    private static KeyView[] Views(KeyRing ring, DateTimeOffset now) =>
        [.. ring.Keys.Select(k => new KeyView(
            k.Kid,
            k.Algorithm.ToString(),
            k.Purpose == KeyPurpose.Access ? "access" : "refresh",
            k.CreatedAt,
            k.ActivatesAt,
            k.RetiresAt,
            k == ring.SignerFor(k.Purpose, now) ? "signing" : k.ActivatesAt > now ? "pending" : ring.Verifies(k, now) ? "verifying" : "expired"))];
}

public sealed record KeyView(string Kid, string Algorithm, string Purpose, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt, DateTimeOffset? RetiresAt, string State);
