using Baton.Api.Hosting;
using Baton.Silo.Hosting;

if (args is ["hash-api-key", var key])
{
    // Prints the value to configure under Baton:ApiKeys:Keys:N:Sha256 for this key.
    Console.WriteLine(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))));
    return;
}

var builder = WebApplication.CreateBuilder(BatonHostDefaults.Options(args));
builder.AddBatonDefaults();
builder.AddBaton();
var app = builder.Build();
app.LogConfigurationFiles(Baton.Api.Log.Category);
app.MapBaton();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
