using System.Diagnostics;
using System.Net;
using Tanks.Client;
using Tanks.Client.Auth;
using Tanks.Client.Netcode;
using Tanks.Protocol.Netcode;
using Tanks.Tests.Infrastructure;

namespace Tanks.Tests.Udp;

/// <summary>
/// Gateway.Tcp login → connect token → Gateway.Udp handshake over real loopback sockets, and every refusal of
/// the standard: silence for invalid requests, a denied packet when full.
/// </summary>
[Collection(UdpStackCollection.Name)]
public sealed class UdpGatewayEndToEndTests(UdpStack shared)
{
    private const string Password = "correct horse battery";
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(600);

    private static string NewName() => "u" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Login_returns_a_connect_token_naming_the_udp_gateway()
    {
        await using var auth = await AuthClient.ConnectAsync("127.0.0.1", shared.Tcp.Port);
        var session = (await auth.RegisterAsync(NewName(), Password)).RequireSession();

        Assert.Equal(shared.Udp.Address, session.Udp);
        var bytes = Convert.FromBase64String(session.ConnectToken!);
        Assert.Equal(NetcodeConstants.ConnectTokenBytes, bytes.Length);
        var token = new NetcodeConnectToken();
        Assert.Equal(TokenReadResult.Ok, NetcodeConnectToken.TryRead(bytes, token));
        Assert.Equal(NetcodeOptions.DefaultProtocolId, token.ProtocolId);
        Assert.Equal(30UL, token.ExpireTimestamp - token.CreateTimestamp);
        Assert.Equal(10, token.TimeoutSeconds);
        Assert.Equal(NetcodeAddress.Parse(shared.Udp.Address), Assert.Single(token.ServerAddresses.ToArray()));

        // The private part opens with the shared key and carries the user id as client id.
        var plaintext = new byte[NetcodeConstants.MaxPacketBodyBytes];
        using var key = NetcodeKeys.ImportConnectTokenKey(shared.Udp.KeyBytes);
        Assert.Equal(PacketReadResult.Ok, NetcodePacketReader.TryRead(
            NetcodeTestKit.Request(bytes), plaintext, token.ProtocolId, NetcodeAllowedPackets.Server, null, null, key,
            (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds(), out _));
        var privateToken = new NetcodeConnectTokenPrivate();
        Assert.Equal(TokenReadResult.Ok, NetcodeConnectTokenPrivate.TryRead(plaintext, privateToken));
        Assert.Equal((ulong)session.UserId, privateToken.ClientId);
    }

    [Fact]
    public async Task Register_connect_exchange_payloads_disconnect_and_reconnect_with_a_refreshed_token()
    {
        var name = NewName();
        using var client = await TanksClient.LoginAndConnectAsync("127.0.0.1", shared.Tcp.Port, name, Password,
            new TanksClientOptions { Register = true });
        Assert.Equal(NetcodeClientState.Connected, client.Udp.State);
        Assert.Equal(4096u, client.Udp.MaxClients);

        await AssertEchoesAsync(client.Udp, 20);

        client.Udp.Disconnect();
        Assert.Equal(NetcodeClientState.Disconnected, client.Udp.State);
        Assert.False(client.Udp.SendPayload([1, 2, 3]));

        var firstUserId = client.Session.UserId;
        await client.ReconnectAsync();
        Assert.Equal(NetcodeClientState.Connected, client.Udp.State);
        Assert.Equal(firstUserId, client.Session.UserId);
        await AssertEchoesAsync(client.Udp, 5);
    }

    [Fact]
    public async Task Login_and_connect_works_for_an_existing_account()
    {
        var name = NewName();
        await using (var auth = await AuthClient.ConnectAsync("127.0.0.1", shared.Tcp.Port))
        {
            (await auth.RegisterAsync(name, Password)).RequireSession();
        }

        using var client = await TanksClient.LoginAndConnectAsync("127.0.0.1", shared.Tcp.Port, name, Password);
        await AssertEchoesAsync(client.Udp, 3);
    }

    [Fact]
    public void Expired_token_gets_silence()
    {
        var token = NetcodeTestKit.Mint(shared.Udp.KeyBytes, shared.Udp.Address, expireSeconds: 30, createOffsetSeconds: -60);
        AssertSilence(NetcodeTestKit.Request(token));
    }

    [Fact]
    public void Token_sealed_with_another_key_gets_silence()
    {
        var token = NetcodeTestKit.Mint(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), shared.Udp.Address);
        AssertSilence(NetcodeTestKit.Request(token));
    }

    [Fact]
    public void Token_for_another_protocol_id_gets_silence()
    {
        var token = NetcodeTestKit.Mint(shared.Udp.KeyBytes, shared.Udp.Address, protocolId: 0x1122334455667788);
        AssertSilence(NetcodeTestKit.Request(token));
    }

    [Fact]
    public void Token_naming_another_server_gets_silence()
    {
        var token = NetcodeTestKit.Mint(shared.Udp.KeyBytes, "127.0.0.1:1");
        AssertSilence(NetcodeTestKit.Request(token));
    }

    [Fact]
    public void Request_of_the_wrong_size_or_version_gets_silence()
    {
        var request = NetcodeTestKit.Request(NetcodeTestKit.Mint(shared.Udp.KeyBytes, shared.Udp.Address));
        AssertSilence(request[..^1]);
        AssertSilence([.. request, 0]);
        var badVersion = (byte[])request.Clone();
        badVersion[12] = (byte)'3'; // "NETCODE 1.03"
        AssertSilence(badVersion);
    }

    [Fact]
    public void A_valid_request_gets_a_challenge_no_larger_than_itself()
    {
        var request = NetcodeTestKit.Request(NetcodeTestKit.Mint(shared.Udp.KeyBytes, shared.Udp.Address));
        using var raw = new RawUdp();
        raw.Send(request, shared.Udp.Port);
        var challenge = raw.Receive(TimeSpan.FromSeconds(5));

        Assert.NotNull(challenge);
        Assert.Equal((byte)NetcodePacketType.ConnectionChallenge, (byte)(challenge[0] & 0xF));
        Assert.Equal(1 + 8 + NetcodeConstants.ChallengeBodyBytes + NetcodeConstants.MacBytes, challenge.Length); // global sequence: 8 bytes
        Assert.True(challenge.Length <= request.Length);
    }

    [Fact]
    public async Task Token_reused_from_a_second_address_is_ignored()
    {
        var token = NetcodeTestKit.Mint(shared.Udp.KeyBytes, shared.Udp.Address);
        using var first = NetcodeUdpClient.Create(new NetcodeUdpClientOptions { LocalAddress = IPAddress.Loopback });
        Assert.Equal(NetcodeClientState.Connected, await first.ConnectAsync(token, TimeSpan.FromSeconds(10)));

        // Same token (same MAC) from 127.0.0.2: neither a challenge nor anything else, before or after the first leaves.
        using var thief = new RawUdp("127.0.0.2");
        thief.Send(NetcodeTestKit.Request(token), shared.Udp.Port);
        Assert.Empty(thief.ReceiveAll(Silence));
        first.Disconnect();
        await Task.Delay(100);
        thief.Send(NetcodeTestKit.Request(token), shared.Udp.Port);
        Assert.Empty(thief.ReceiveAll(Silence));
    }

    [Fact]
    public async Task Second_connection_with_the_same_client_id_is_ignored_while_the_first_is_connected()
    {
        var clientId = NetcodeTestKit.NextClientId();
        using var first = NetcodeUdpClient.Create();
        Assert.Equal(NetcodeClientState.Connected, await first.ConnectAsync(
            NetcodeTestKit.Mint(shared.Udp.KeyBytes, shared.Udp.Address, clientId), TimeSpan.FromSeconds(10)));

        using var second = new RawUdp("127.0.0.3");
        second.Send(NetcodeTestKit.Request(NetcodeTestKit.Mint(shared.Udp.KeyBytes, shared.Udp.Address, clientId)), shared.Udp.Port);
        Assert.Empty(second.ReceiveAll(Silence));
    }

    [Fact]
    public async Task A_full_server_denies_and_the_client_reports_connection_denied()
    {
        var full = await shared.Stack.StartUdpGatewayAsync(new Dictionary<string, string>
        {
            ["UdpGateway__MaxClients"] = "2",
            ["UdpGateway__PayloadMode"] = "echo",
        });
        try
        {
            using var a = NetcodeUdpClient.Create();
            using var b = NetcodeUdpClient.Create();
            Assert.Equal(NetcodeClientState.Connected, await a.ConnectAsync(NetcodeTestKit.Mint(full.KeyBytes, full.Address), TimeSpan.FromSeconds(10)));
            Assert.Equal(NetcodeClientState.Connected, await b.ConnectAsync(NetcodeTestKit.Mint(full.KeyBytes, full.Address), TimeSpan.FromSeconds(10)));
            Assert.Equal(2u, a.MaxClients);

            using var c = NetcodeUdpClient.Create();
            Assert.Equal(NetcodeClientState.ConnectionDenied, await c.ConnectAsync(NetcodeTestKit.Mint(full.KeyBytes, full.Address), TimeSpan.FromSeconds(10)));

            // On the wire: a denied packet (type 1, empty body, global sequence), far smaller than the request.
            using var raw = new RawUdp();
            var request = NetcodeTestKit.Request(NetcodeTestKit.Mint(full.KeyBytes, full.Address));
            raw.Send(request, full.Port);
            var denied = raw.Receive(TimeSpan.FromSeconds(5));
            Assert.NotNull(denied);
            Assert.Equal((byte)NetcodePacketType.ConnectionDenied, (byte)(denied[0] & 0xF));
            Assert.Equal(1 + 8 + NetcodeConstants.MacBytes, denied.Length);

            // A slot freed by a disconnect is usable again.
            a.Disconnect();
            using var d = NetcodeUdpClient.Create();
            Assert.Equal(NetcodeClientState.Connected, await d.ConnectAsync(NetcodeTestKit.Mint(full.KeyBytes, full.Address), TimeSpan.FromSeconds(10)));
            await AssertEchoesAsync(d, 3);
            Assert.True(await full.MetricAsync("tanks_udp_handshakes_total{outcome=\"denied\"}") >= 2);
        }
        finally
        {
            await full.Process.KillAsync();
        }
    }

    [Fact]
    public async Task Server_times_out_a_silent_client_and_the_client_times_out_a_silent_server()
    {
        var token = NetcodeTestKit.Mint(shared.Udp.KeyBytes, shared.Udp.Address, timeoutSeconds: 1);
        using var client = NetcodeUdpClient.Create(new NetcodeUdpClientOptions { BackgroundUpdatePeriod = null });
        Assert.Equal(NetcodeClientState.Connected, await client.ConnectAsync(token, TimeSpan.FromSeconds(10)));
        // The gauge follows the connection a moment later (a busy machine: up to seconds); wait for it, bounded.
        var before = 0.0;
        for (var wait = Stopwatch.StartNew(); before < 1 && wait.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(50))
        {
            before = await shared.Udp.MetricAsync("tanks_udp_clients_connected") ?? 0;
        }

        Assert.True(before >= 1, "the gateway never counted the connected client");

        // Go silent (no Update, so no keep-alives) past the 1 s timeout: the server frees the slot.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var deadline = Stopwatch.StartNew();
        while ((await shared.Udp.MetricAsync("tanks_udp_clients_connected")) >= before && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100);
        }

        Assert.True(await shared.Udp.MetricAsync("tanks_udp_clients_connected") < before);

        // The server stopped sending keep-alives; the client, updated again, times out itself (after draining the old ones).
        deadline.Restart();
        while (client.State == NetcodeClientState.Connected && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            client.Update();
            await Task.Delay(50);
        }

        Assert.Equal(NetcodeClientState.ConnectionTimedOut, client.State);
    }

    [Fact]
    public async Task Metrics_have_the_documented_names()
    {
        var text = await shared.Udp.MetricsAsync();
        foreach (var name in new[]
                 {
                     "tanks_udp_clients_connected", "tanks_udp_handshakes_total{outcome=\"accepted\"}", "tanks_udp_packets_total{direction=\"in\",type=\"invalid\"}",
                     "tanks_udp_bytes_total{direction=\"out\",type=\"keepalive\"}", "tanks_udp_receive_cpu_seconds_total",
                 })
        {
            Assert.Contains(name, text);
        }
    }

    internal static async Task AssertEchoesAsync(NetcodeUdpClient client, int count)
    {
        var buffer = new byte[NetcodeConstants.MaxPayloadBytes];
        for (var i = 0; i < count; i++)
        {
            var payload = new byte[1 + (i * 37 % NetcodeConstants.MaxPayloadBytes)];
            Random.Shared.NextBytes(payload);
            var deadline = Stopwatch.StartNew();
            var echoed = false;
            while (!echoed && deadline.Elapsed < TimeSpan.FromSeconds(3))
            {
                Assert.True(client.SendPayload(payload), $"send failed in state {client.State}");
                var wait = Stopwatch.StartNew();
                while (wait.Elapsed < TimeSpan.FromMilliseconds(300))
                {
                    if (client.TryReceivePayload(buffer, out var length) && buffer.AsSpan(0, length).SequenceEqual(payload))
                    {
                        echoed = true;
                        break;
                    }

                    await Task.Delay(2);
                }
            }

            Assert.True(echoed, $"payload {i} ({payload.Length} bytes) was not echoed; state {client.State}");
        }
    }

    private void AssertSilence(byte[] datagram)
    {
        using var raw = new RawUdp();
        raw.Send(datagram, shared.Udp.Port);
        Assert.Empty(raw.ReceiveAll(Silence));
    }
}
