namespace TcpShadow.LoadGen;

internal sealed class UsageException(string message) : Exception(message);
