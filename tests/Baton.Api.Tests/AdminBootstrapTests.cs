using System.Net;
using System.Text.Json;
using static Baton.Api.Tests.ApiKeyHeaders;

namespace Baton.Api.Tests;

/// <summary>
/// SECURITY.md 45: the first admin is created only by the bootstrap. Each test runs Baton more
/// than once on one SQLite file, as restarts of one installation with different bootstrap settings.
/// </summary>
public sealed class AdminBootstrapTests : IDisposable
{
    private const string Boss = "boss";
    private const string SquatterPassword = "the squatter's own password";

    private readonly string _directory = Directory.CreateTempSubdirectory("baton-bootstrap-tests-").FullName;

    private string DatabasePath => Path.Combine(_directory, "baton.db");

    [Theory]
    [InlineData(Boss)]
    [InlineData("BOSS")]
    public async Task Bootstrap_ExistingAccountWithoutAdminRole_FailsStartup(string squattedAs)
    {
        using var open = Start(adminUsername: null);
        var api = BatonApi.For(open);
        var squatterId = await api.RegisterAsync(squattedAs, SquatterPassword);

        using var bootstrapped = Start(Boss);
        var error = Assert.ThrowsAny<Exception>(() => bootstrapped.CreateClient());

        AssertRefusal(error.ToString(), squatterId);
        var squatter = await api.LoginAsync(squattedAs, SquatterPassword);
        AssertNoAdminRole(squatter.AccessToken);
        using var keys = await api.GetAsync("/v1/admin/keys", squatter.AccessToken);
        await BatonApi.AssertProblemAsync(keys, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Bootstrap_AdminDeletedAndUsernameReRegistered_FailsStartup()
    {
        using (var first = Start(Boss))
        {
            var api = BatonApi.For(first);
            var admin = await api.LoginAsync(Boss, BatonFactory.AdminPassword);
            using var me = await api.GetAsync("/v1/me", admin.AccessToken);
            var adminId = (await BatonApi.JsonOf(me)).GetProperty("id").GetString()!;
            using var deleted = await api.DeleteAsync($"/v1/admin/users/{adminId}", headers: AdminKey);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            await api.RegisterAsync(Boss, SquatterPassword);
        }

        using var restarted = Start(Boss);
        var error = Assert.ThrowsAny<Exception>(() => restarted.CreateClient());

        Assert.Contains("was not created by the bootstrap", error.ToString(), StringComparison.Ordinal);
        using var open = Start(adminUsername: null);
        var squatter = await BatonApi.For(open).LoginAsync(Boss, SquatterPassword);
        AssertNoAdminRole(squatter.AccessToken);
    }

    [Fact]
    public async Task Bootstrap_AdminItCreated_KeepsWorkingAcrossRestarts()
    {
        string adminId;
        using (var first = Start(Boss))
        {
            adminId = await AdminIdAsync(BatonApi.For(first));
        }

        // A changed configured password is not applied to the existing admin: it is used on creation only.
        using var restarted = Start(Boss, password: "a different password now");
        var api = BatonApi.For(restarted);

        Assert.Equal(adminId, await AdminIdAsync(api));
        using var wrong = await api.LoginRawAsync(Boss, "a different password now");
        await BatonApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp directory is cleaned by the OS.
        }
    }

    private static void AssertRefusal(string error, string squatterId)
    {
        Assert.Contains("Baton:Bootstrap:AdminUsername is 'boss'", error, StringComparison.Ordinal);
        Assert.Contains("was not created by the bootstrap, so it is not made an admin", error, StringComparison.Ordinal);
        Assert.Contains($"DELETE /v1/admin/users/{squatterId}", error, StringComparison.Ordinal);
        Assert.Contains("or choose another Baton:Bootstrap:AdminUsername", error, StringComparison.Ordinal);
    }

    private static void AssertNoAdminRole(string accessToken)
    {
        var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(accessToken.Split('.')[1])).RootElement;
        Assert.False(payload.TryGetProperty("roles", out var roles) && roles.ToString().Contains("admin", StringComparison.Ordinal), $"roles: {roles}");
    }

    /// <summary>Signs in as the bootstrap admin with the password it was created with, and uses the admin API.</summary>
    private static async Task<string> AdminIdAsync(BatonApi api)
    {
        var admin = await api.LoginAsync(Boss, BatonFactory.AdminPassword);
        using var keys = await api.GetAsync("/v1/admin/keys", admin.AccessToken);
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        using var me = await api.GetAsync("/v1/me", admin.AccessToken);
        return (await BatonApi.JsonOf(me)).GetProperty("id").GetString()!;
    }

    private BatonFactory Start(string? adminUsername, string password = BatonFactory.AdminPassword)
    {
        var factory = new BatonFactory();
        factory.Settings["Baton:Sqlite:Path"] = DatabasePath;
        factory.Settings["Baton:Bootstrap:AdminUsername"] = adminUsername;
        factory.Settings["Baton:Bootstrap:AdminPassword"] = adminUsername is null ? null : password;
        return factory;
    }
}
