using System.Net;
using Baton.Core.Users;
using Baton.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Api.Tests;

/// <summary>A skeleton reservation left by a registration that died before writing its account blocks no look-alike for good.</summary>
public sealed class SkeletonReservationTests(BatonFactory factory) : IClassFixture<BatonFactory>
{
    private readonly BatonApi _api = BatonApi.For(factory);

    [Fact]
    public async Task Register_LookAlikeOfAReservationWithoutAnAccount_IsCreated()
    {
        var suffix = new string([.. Guid.NewGuid().ToString("N").Select(c => (char)('k' + (c % 16)))]);
        var crashed = "ghost" + suffix;
        var lookAlike = "gh\u043Est" + suffix; // a Cyrillic "о"
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        Assert.Null(await grains.GetGrain<IUsernameSkeletonGrain>(UsernameNormalizer.Skeleton(crashed)).ClaimAsync(UsernameNormalizer.Normalize(crashed)));

        using var registered = await _api.PostJsonAsync("/v1/users", new { username = lookAlike, password = BatonApi.Password });

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(UsernameNormalizer.Normalize(lookAlike), await grains.GetGrain<IUsernameSkeletonGrain>(UsernameNormalizer.Skeleton(crashed)).GetOwnerAsync());
    }
}
