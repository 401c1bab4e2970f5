namespace TcpShadow.DataPlane.Cli;

/// <summary>A bad command-line value; the message names the flag, shows the value and says the fix.</summary>
public sealed class OptionsException : Exception
{
    public OptionsException(string message)
        : base(message)
    {
    }

    public OptionsException()
    {
    }

    public OptionsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
