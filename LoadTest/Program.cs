using Tanks.LoadTest;

// LoadTest: a bot swarm against the real gateways (TCP auth, UDP netcode + game messages). See docs/performance.md.
//   dotnet run -c Release --project LoadTest -- --bots 200 --ramp 50 --duration 60 --report load.json --plot load.svg
return await LoadCommand.RunAsync(args);
