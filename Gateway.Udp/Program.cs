using Tanks.Gateway.Udp.Extensions;
using Tanks.ServiceDefaults;

// Content root = the binaries, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// A bad setting or a port in use ends the process with one line and its own exit code (docs/operations.md).
return builder.RunWithClearErrors(
    b => b.AddServiceDefaults().AddUdpGateway(),
    app => app.MapDefaultEndpoints());
