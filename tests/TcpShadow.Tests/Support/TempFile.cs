namespace TcpShadow.Tests.Support;

/// <summary>A file under the temp directory, deleted on dispose.</summary>
public sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    public static TempFile With(byte[] contents)
    {
        var file = New();
        File.WriteAllBytes(file.Path, contents);
        return file;
    }

    public static TempFile New() => new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tsh-test-{Guid.NewGuid():N}.cap"));

    public void Dispose() => File.Delete(Path);
}
