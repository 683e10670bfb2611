using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Baton.Browser.Tests;

/// <summary>A page on another origin of the same site (127.0.0.1, another port): one static HTML page for every path.</summary>
public sealed class OtherOrigin : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _serving;

    private OtherOrigin(HttpListener listener, Uri address)
    {
        _listener = listener;
        Address = address;
        _serving = Task.Run(ServeAsync);
    }

    public Uri Address { get; }

    public static OtherOrigin Start()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var address = new Uri($"http://127.0.0.1:{port}/");
        var listener = new HttpListener();
        listener.Prefixes.Add(address.ToString());
        listener.Start();
        return new OtherOrigin(listener, address);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (HttpListenerException)
        {
            // Stopped while waiting for a request.
        }
        catch (ObjectDisposedException)
        {
            // Closed while waiting for a request.
        }
    }

    private async Task ServeAsync()
    {
        var page = Encoding.UTF8.GetBytes("<!doctype html><title>elsewhere</title><p>another origin</p>");
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(page);
            context.Response.Close();
        }
    }
}
