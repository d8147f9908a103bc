using System.ComponentModel.DataAnnotations;

namespace Nexus.Gateway.Apis.Files;

/// <summary>The links the gateway hands out for <c>response_format: url</c> images (<c>Nexus:Gateway:ImageLinks</c>).</summary>
public sealed class ImageLinkOptions
{
    public const string SectionName = "Nexus:Gateway:ImageLinks";

    /// <summary>How long a link downloads its image: OpenAI's own image URLs last an hour.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A directory for the key ring that signs and encrypts the links (ASP.NET Core Data Protection), shared by every
    /// replica so a link from one downloads from any. Unset: ASP.NET Core's default place, per machine.
    /// </summary>
    public string? KeysPath { get; set; }
}
