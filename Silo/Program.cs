using Tanks.ServiceDefaults;
using Tanks.Silo.Extensions;

// Content root = the binaries, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddTanksSilo();

var app = builder.Build();
app.MapTanksSilo();
app.MapDefaultEndpoints();
app.Run();
