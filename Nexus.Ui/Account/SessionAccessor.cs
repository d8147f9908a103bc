using Microsoft.AspNetCore.Components.Authorization;

namespace Nexus.Ui.Account;

/// <summary>The signed-in person's keys, for the components of one circuit.</summary>
internal sealed class SessionAccessor(AuthenticationStateProvider authentication)
{
    public async Task<UiSession> GetAsync() => UiSession.From((await authentication.GetAuthenticationStateAsync()).User);
}
