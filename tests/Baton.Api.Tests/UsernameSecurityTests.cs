using System.Net;

namespace Baton.Api.Tests;

/// <summary>SECURITY.md 46: compatibility forms are one account, invisible characters are refused, look-alikes are taken.</summary>
public sealed class UsernameSecurityTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Register_FullwidthVariantOfExistingName_IsTaken()
    {
        var name = Unique("fw");
        await _api.RegisterAsync(name);

        using var again = await RegisterRawAsync(Fullwidth(name));

        await AssertTakenAsync(again);
    }

    [Fact]
    public async Task Register_ModifierLetterVariantOfExistingName_IsTaken()
    {
        var name = Unique("am");
        await _api.RegisterAsync(name);

        using var again = await RegisterRawAsync("\u1D43" + name[1..]); // ᵃ for the leading a

        await AssertTakenAsync(again);
    }

    [Fact]
    public async Task Login_FullwidthVariant_LogsIntoTheAccount()
    {
        var name = Unique("fl");
        var id = await _api.RegisterAsync(name);

        var pair = await _api.LoginAsync(Fullwidth(name));

        Assert.Equal(id, BatonApi.Claim(pair.AccessToken, "sub"));
    }

    [Theory]
    [InlineData("\u00AD")] // soft hyphen
    [InlineData("\u200D")] // zero-width joiner
    [InlineData("\uFEFF")] // zero-width no-break space
    [InlineData("\u202E")] // right-to-left override
    [InlineData("\u3164")] // Hangul filler
    [InlineData("\u2800")] // braille pattern blank
    [InlineData("\u034F")] // combining grapheme joiner
    [InlineData("\uFE0F")] // variation selector
    public async Task Register_SoftHyphen_IsRejected(string invisible)
    {
        using var response = await RegisterRawAsync("ad" + invisible + Unique("min"));

        var json = await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("invisible", json.GetProperty("errors").GetProperty("username")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_CombiningDotOnI_IsRejected()
    {
        using var response = await RegisterRawAsync("admi\u0307n" + Unique(""));

        var json = await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(json.GetProperty("errors").TryGetProperty("username", out _));
    }

    [Fact]
    public async Task Register_CyrillicConfusable_IsTaken()
    {
        var name = "admin" + Unique("");
        await _api.RegisterAsync(name);

        using var lookAlike = await RegisterRawAsync("\u0430" + name[1..]); // Cyrillic а

        await AssertTakenAsync(lookAlike);
    }

    [Fact]
    public async Task Register_GreekOmicronConfusable_IsTaken()
    {
        var name = "bob" + Unique("");
        await _api.RegisterAsync(name);

        using var lookAlike = await RegisterRawAsync("b\u03BF" + name[2..]); // Greek ο

        await AssertTakenAsync(lookAlike);
    }

    [Fact]
    public async Task Register_RnForM_IsTaken()
    {
        var name = "mary" + Unique("");
        await _api.RegisterAsync(name);

        using var lookAlike = await RegisterRawAsync("rn" + name[1..]); // TR39 maps m to rn

        await AssertTakenAsync(lookAlike);
    }

    [Fact]
    public async Task Register_BootstrapAdminLookAlike_IsTaken()
    {
        using var lookAlike = await RegisterRawAsync("r\u043E\u043Et-admin"); // Cyrillic о twice in root-admin

        await AssertTakenAsync(lookAlike);
    }

    [Fact]
    public async Task Login_DeviceNameWithBidiOverride_IsFieldError()
    {
        var (_, username, _) = await _api.NewUserAsync();

        using var response = await _api.LoginRawAsync(username, device: new { id = "d1", type = "web", name = "Pixel \u202Eelif" });

        var json = await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(json.GetProperty("errors").TryGetProperty("device.name", out _));
    }

    [Fact]
    public async Task Login_DeviceIdWithZeroWidthSpace_IsFieldError()
    {
        var (_, username, _) = await _api.NewUserAsync();

        using var response = await _api.LoginRawAsync(username, device: new { id = "d\u200B1", type = "web", name = "Pixel" });

        var json = await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(json.GetProperty("errors").TryGetProperty("device.id", out _));
    }

    /// <summary>A taken look-alike gets the answer a taken name gets, so it reveals no more.</summary>
    private static async Task AssertTakenAsync(HttpResponseMessage response)
    {
        var json = await BatonApi.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("Taken.", json.GetProperty("errors").GetProperty("username")[0].GetString());
    }

    private Task<HttpResponseMessage> RegisterRawAsync(string username) =>
        _api.PostJsonAsync("/v1/users", new { username, password = BatonApi.Password });

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..8];

    private static string Fullwidth(string ascii) => string.Concat(ascii.Select(c => (char)(c + 0xFEE0)));
}
