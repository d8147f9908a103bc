namespace Nexus.Gateway.Limits;

/// <summary>The shared limits store answered with an error (not a refusal): the gateway fails closed with a 503.</summary>
public sealed class LimitStoreException : Exception
{
    public LimitStoreException()
    {
    }

    public LimitStoreException(string message) : base(message)
    {
    }

    public LimitStoreException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
