namespace Nexus.Gateway.Registry.Etcd;

/// <summary>etcd refused a request or did not answer in time; the registry API answers 503.</summary>
internal sealed class EtcdException(string message, Exception? innerException = null) : Exception(message, innerException);
