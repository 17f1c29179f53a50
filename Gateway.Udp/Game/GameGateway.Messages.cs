using Tanks.Gateway.Udp.Payloads;
using Tanks.Grains.Interfaces;
using Tanks.Grains.Interfaces.Matchmaking;
using Tanks.Grains.Interfaces.Sessions;
using Tanks.Protocol.Game;

namespace Tanks.Gateway.Udp.Game;

/// <summary>The receive path: runs on a receive thread, never blocks, never throws on hostile bytes.</summary>
internal sealed partial class GameGateway
{
    public void OnPayload(IUdpSender sender, in UdpConnection connection, ReadOnlySpan<byte> payload)
    {
        if (!_clients.TryGetValue(connection.ClientId, out var client) || client.Connection != connection)
        {
            Metrics.Message(GameMessageKind.Unknown, GameMessageResult.Ignored);
            return;
        }

        var header = GameProtocol.ReadHeader(payload, out var type);
        if (header != GameMessageReadResult.Ok || !GameProtocol.IsClientToServer(type))
        {
            if (header == GameMessageReadResult.UnsupportedVersion)
            {
                // A client message of another protocol version counts under its own type (the version is what is wrong),
                // and is answered, so an old client learns why nothing works instead of waiting forever.
                Metrics.Message(KindOf((GameMessageType)payload[0]), GameMessageResult.Invalid);
                AnswerWrongVersion(client, payload[1]);
                return;
            }

            Metrics.Message(GameMessageKind.Unknown, GameMessageResult.Invalid);
            Log.MessageDropped(_logger, client.Connection.ClientId, payload.Length > 0 ? payload[0] : -1);
            return;
        }

        Metrics.Message(KindOf(type), type switch
        {
            GameMessageType.Input => OnInput(client, payload),
            GameMessageType.JoinQueue => OnJoinQueue(client, payload),
            GameMessageType.LeaveQueue => OnLeaveQueue(client, payload),
            GameMessageType.PlatoonInvite => OnPlatoonInvite(client, payload),
            GameMessageType.PlatoonAnswer => OnPlatoonAnswer(client, payload),
            GameMessageType.PlatoonLeave => OnPlatoonLeave(client, payload),
            GameMessageType.PlatoonKick => OnPlatoonKick(client, payload),
            _ => OnLeave(client, payload),
        });
    }

    /// <summary>
    /// <c>ProtocolError</c> (unsupported version) for a client speaking another version, at most once per
    /// <see cref="GameClient.ProtocolErrorIntervalMs"/>: a flood of old messages gets a trickle of answers.
    /// </summary>
    private void AnswerWrongVersion(GameClient client, byte version)
    {
        lock (client)
        {
            if (!client.TryTakeProtocolError())
            {
                return;
            }
        }

        Log.WrongVersion(_logger, client.Connection.ClientId, version);
        Span<byte> answer = stackalloc byte[ProtocolErrorMessage.Size];
        new ProtocolErrorMessage(GameProtocol.Version, ProtocolErrorCode.UnsupportedVersion).WriteTo(answer);
        Send(client, answer);
    }

    private static GameMessageKind KindOf(GameMessageType type) => type switch
    {
        GameMessageType.Input => GameMessageKind.Input,
        GameMessageType.JoinQueue => GameMessageKind.JoinQueue,
        GameMessageType.LeaveQueue => GameMessageKind.LeaveQueue,
        GameMessageType.Leave => GameMessageKind.Leave,
        GameMessageType.PlatoonInvite => GameMessageKind.PlatoonInvite,
        GameMessageType.PlatoonAnswer => GameMessageKind.PlatoonAnswer,
        GameMessageType.PlatoonLeave => GameMessageKind.PlatoonLeave,
        GameMessageType.PlatoonKick => GameMessageKind.PlatoonKick,
        _ => GameMessageKind.Unknown, // a server-to-client type
    };

    private GameMessageResult OnInput(GameClient client, ReadOnlySpan<byte> payload)
    {
        if (InputMessage.TryRead(payload, out var input) != GameMessageReadResult.Ok)
        {
            return GameMessageResult.Invalid;
        }

        BattleRoom room;
        lock (client)
        {
            if (client.Phase != ClientPhase.InBattle || client.Room is null)
            {
                return GameMessageResult.Ignored;
            }

            room = client.Room;
            if (!client.TryTakeInput(room.TickRate * _options.InputRateFactor))
            {
                return GameMessageResult.RateLimited;
            }

            client.Acknowledge(input.LastSnapshotTick);
            if (client.HasSequence && (int)(input.Sequence - client.LastSequence) <= 0)
            {
                return GameMessageResult.Ignored; // reordered or repeated: a newer input was taken already
            }

            client.HasSequence = true;
            client.LastSequence = input.Sequence;
            client.LastTurretYaw = input.TurretYawRadians;
        }

        room.AddInput(new PlayerInput(client.UserId, input.ThrottleValue, input.SteeringValue, input.TurretYawRadians, input.Fire, input.Sequence));
        return GameMessageResult.Ok;
    }

    private GameMessageResult OnJoinQueue(GameClient client, ReadOnlySpan<byte> payload)
    {
        if (JoinQueueMessage.TryRead(payload, out var join) != GameMessageReadResult.Ok
            || !TankClassCodes.IsValid(join.TankClassId) || client.UserName.Length == 0)
        {
            return GameMessageResult.Invalid; // a token without our user data cannot play: results go to a named account
        }

        BattleRoom? room;
        lock (client)
        {
            if (!client.TryTakeQueueRequest(_options.QueueRequestsPerSecond))
            {
                return GameMessageResult.RateLimited;
            }

            if (client.RequestInFlight)
            {
                return GameMessageResult.Ignored;
            }

            room = client.Phase == ClientPhase.InBattle ? client.Room : null;
            if (room is null)
            {
                client.RequestInFlight = true;
            }
        }

        if (room is not null && room.TryGetPlayer(client.UserId, out var player))
        {
            // It asks again: it lost the start, so it gets the start again and then a full snapshot.
            Send(client, Status(new PlayerStatus(PlayerState.InBattle, room.BattleId)));
            room.ResendBattleStart(client, player);
            return GameMessageResult.Ok;
        }

        _ = JoinQueueAsync(client, TankClassCodes.Name(join.TankClassId));
        return GameMessageResult.Ok;
    }

    private GameMessageResult OnLeaveQueue(GameClient client, ReadOnlySpan<byte> payload)
    {
        if (EmptyMessage.TryRead(payload, GameMessageType.LeaveQueue) != GameMessageReadResult.Ok)
        {
            return GameMessageResult.Invalid;
        }

        lock (client)
        {
            if (!client.TryTakeQueueRequest(_options.QueueRequestsPerSecond))
            {
                return GameMessageResult.RateLimited;
            }

            if (client.RequestInFlight)
            {
                return GameMessageResult.Ignored;
            }

            client.RequestInFlight = true;
        }

        _ = LeaveQueueAsync(client);
        return GameMessageResult.Ok;
    }

    private GameMessageResult OnLeave(GameClient client, ReadOnlySpan<byte> payload)
    {
        if (EmptyMessage.TryRead(payload, GameMessageType.Leave) != GameMessageReadResult.Ok)
        {
            return GameMessageResult.Invalid;
        }

        BattleRoom? room;
        float yaw;
        lock (client)
        {
            room = client.Room;
            if (client.Phase != ClientPhase.InBattle || room is null)
            {
                return GameMessageResult.Ignored;
            }

            yaw = client.LastTurretYaw;
            client.LeaveBattle();
        }

        room.Idle(client.UserId, yaw);
        if (room.Remove(client) == 0)
        {
            CloseIfEmpty(room);
        }

        return GameMessageResult.Ok;
    }

    private async Task JoinQueueAsync(GameClient client, string tankClass)
    {
        try
        {
            var status = await Player(client.UserId).JoinQueueAsync(client.UserName, tankClass).WaitAsync(RequestTimeout);
            await ApplyStatusAsync(client, status, answer: true, enterBattle: true);
        }
        catch (Exception ex) when (Unavailable(ex) is { } reason)
        {
            LogRegistryUnavailable(_logger, "JoinQueue", client.UserId, reason);
        }
        catch (Exception ex)
        {
            Log.RegistryCallFailed(_logger, ex, "JoinQueue", client.UserId);
        }
        finally
        {
            lock (client)
            {
                client.RequestInFlight = false;
            }
        }
    }

    private async Task LeaveQueueAsync(GameClient client)
    {
        try
        {
            var status = await Player(client.UserId).LeaveQueueAsync().WaitAsync(RequestTimeout);
            await ApplyStatusAsync(client, status, answer: true, enterBattle: false);
        }
        catch (Exception ex) when (Unavailable(ex) is { } reason)
        {
            LogRegistryUnavailable(_logger, "LeaveQueue", client.UserId, reason);
        }
        catch (Exception ex)
        {
            Log.RegistryCallFailed(_logger, ex, "LeaveQueue", client.UserId);
        }
        finally
        {
            lock (client)
            {
                client.RequestInFlight = false;
            }
        }
    }

    /// <summary>
    /// Brings the client's phase in line with the registry's answer and tells it (<c>QueueStatus</c>); a player the registry
    /// has in a battle is taken into it (<c>BattleStart</c>, then snapshots, full first).
    /// </summary>
    private async Task ApplyStatusAsync(GameClient client, PlayerStatus status, bool answer, bool enterBattle)
    {
        lock (client)
        {
            if (client.Gone)
            {
                return;
            }

            if (client.Phase == ClientPhase.InBattle)
            {
                return; // a battle start overtook this answer
            }

            client.Phase = status.State == PlayerState.Queued ? ClientPhase.Queued : ClientPhase.Idle;
            client.Shard = status.Shard;
        }

        if (status.State != PlayerState.InBattle || answer)
        {
            Send(client, Status(status));
        }

        if (status.State == PlayerState.InBattle && enterBattle)
        {
            // The client's own request gets its BattleStart again (it may have lost it); a poll's answer only brings in a
            // client not there yet: the battle's notice may be entering it this very moment, and a second BattleStart
            // would restart its snapshot stream.
            await EnterBattleAsync(client, status.BattleId, resend: answer);
        }
    }

    /// <summary>
    /// Why the registry could not answer, when that is an outage (a store or the cluster down) rather than a bug: worth a
    /// one-line warning, not a stack trace per request. The client hears nothing and sends its request again.
    /// </summary>
    private static string? Unavailable(Exception exception) => exception switch
    {
        ServiceUnavailableException unavailable => unavailable.Reason,
        TimeoutException or OrleansException => exception.GetType().Name,
        _ => null,
    };

    [LoggerMessage(EventId = 39, Level = LogLevel.Warning, Message = "Registry call {Call} failed (user {UserId}): {Reason}; the client may retry")]
    private static partial void LogRegistryUnavailable(ILogger logger, string call, long userId, string reason);

    private static ReadOnlySpan<byte> Status(PlayerStatus status)
    {
        var message = new QueueStatusMessage(
            (QueueState)status.State,
            (ushort)Math.Clamp(status.QueuePosition, 0, ushort.MaxValue),
            (ushort)Math.Clamp(status.QueueLength, 0, ushort.MaxValue),
            (ushort)Math.Clamp(status.Waited.TotalSeconds, 0, ushort.MaxValue));
        var bytes = new byte[QueueStatusMessage.Size];
        message.WriteTo(bytes);
        return bytes;
    }
}
