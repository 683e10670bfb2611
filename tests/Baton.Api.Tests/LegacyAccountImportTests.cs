using System.Net;
using Baton.Core.Tokens;
using Baton.Core.Users;
using Baton.Storage.Sqlite;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace Baton.Api.Tests;

/// <summary>A file written before accounts and keys moved into grains: its accounts and keys in the old tables.</summary>
public sealed class OlderFileFactory : BatonFactory
{
    public const string Username = "veteran";
    public const string Password = "an old but good passphrase";
    public const string AccessKid = "legacy-access-kid";

    public OlderFileFactory()
    {
        using (var store = new SqliteStore(new SqliteStoreOptions { Path = DatabasePath }))
        {
            store.MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        var now = DateTimeOffset.UtcNow;
        var hash = new PasswordHasher<UserAccount>().HashPassword(null!, Password);
        using var access = SigningKey.Generate(SigningAlgorithm.ES256, KeyPurpose.Access, now.AddDays(-1), now.AddDays(-1), AccessKid);
        using var refresh = SigningKey.Generate(SigningAlgorithm.HS256, KeyPurpose.Refresh, now.AddDays(-1), now.AddDays(-1), "legacy-refresh-kid");
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO users (id, username, normalized_username, password_hash, roles, security_stamp, failed_login_count, locked_until, created_at, username_skeleton)
            VALUES ('legacy-user-id', $name, $normalized, $hash, '[]', 'stamp', 0, NULL, $at, $skeleton);
            INSERT INTO signing_keys (kid, algorithm, purpose, created_at, activates_at, retires_at, private_key)
            VALUES ($ak, 'ES256', 'Access', $at, $at, NULL, $a), ($rk, 'HS256', 'Refresh', $at, $at, NULL, $r);
            """;
        command.Parameters.AddWithValue("$name", Username);
        command.Parameters.AddWithValue("$normalized", UsernameNormalizer.Normalize(Username));
        command.Parameters.AddWithValue("$skeleton", UsernameNormalizer.Skeleton(Username));
        command.Parameters.AddWithValue("$hash", hash);
        command.Parameters.AddWithValue("$at", now.AddDays(-1).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$ak", AccessKid);
        command.Parameters.AddWithValue("$a", access.ToMaterial().PrivateKey);
        command.Parameters.AddWithValue("$rk", "legacy-refresh-kid");
        command.Parameters.AddWithValue("$r", refresh.ToMaterial().PrivateKey);
        command.ExecuteNonQuery();
    }
}

public sealed class LegacyAccountImportTests(OlderFileFactory factory) : IClassFixture<OlderFileFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Start_OnAnOlderFile_KeepsItsAccountsAndSignsWithItsKeys()
    {
        var pair = await _api.LoginAsync(OlderFileFactory.Username, OlderFileFactory.Password);

        Assert.Equal(OlderFileFactory.AccessKid, BatonApi.Kid(pair.AccessToken));
        Assert.Equal("legacy-user-id", BatonApi.Claim(pair.AccessToken, "sub"));

        // Its username and its look-alikes (a Cyrillic "е" here) are still taken.
        foreach (var username in new[] { "VETERAN", "v\u0435teran" })
        {
            using var again = await _api.PostJsonAsync("/v1/users", new { username, password = "yet another long passphrase" });
            var json = await BatonApi.AssertProblemAsync(again, HttpStatusCode.BadRequest, "invalid_request");
            Assert.Equal("Taken.", json.GetProperty("errors").GetProperty("username")[0].GetString());
        }

        // The old tables are empty: a later start imports nothing twice.
        var (users, keys) = await new SqliteStore(new SqliteStoreOptions { Path = factory.DatabasePath }).ReadLegacyAsync(CancellationToken.None);
        Assert.Empty(users);
        Assert.Empty(keys);
    }
}
