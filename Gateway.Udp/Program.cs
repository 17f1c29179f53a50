using Tanks.Gateway.Udp.Extensions;
using Tanks.ServiceDefaults;

// Content root = the binaries, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddUdpGateway();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
