using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Tests.Packets;

public class TcpOptionReaderTests
{
    public static TheoryData<byte[]> Malformed() => new(
        [2],                                       // kind with no length byte
        [1, 1, 2],                                 // the same after padding
        [2, 0],                                    // length 0 would loop forever
        [2, 1],                                    // length 1 cannot cover kind and length
        [30, 1],                                   // unknown kinds obey the same rule
        [2, 4, 5],                                 // MSS runs past the end
        [30, 8, 0, 0],                             // unknown option runs past the end
        [2, 3, 5],                                 // MSS must be 4 bytes
        [2, 5, 5, 180, 0],
        [3, 2],                                    // window scale must be 3 bytes
        [3, 4, 7, 0],
        [4, 3, 0],                                 // SACK-permitted must be 2 bytes
        [8, 8, 0, 0, 0, 1, 0, 0],                  // timestamps must be 10 bytes
        [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0],        // timestamps cut short
        [5, 2],                                    // SACK needs at least one block
        [5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0],        // SACK must be 2 + 8n bytes
        [5, 6, 0, 0, 0, 1]);

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryRead_MalformedList_ReturnsFalse(byte[] options)
    {
        Assert.False(TcpOptionReader.TryRead(options, out _));
    }

    [Fact]
    public void TryRead_EmptyOrPaddingOnly_ReturnsTrueWithNothing()
    {
        Assert.True(TcpOptionReader.TryRead([], out var empty));
        Assert.True(TcpOptionReader.TryRead([1, 1, 1, 1], out var padding));

        Assert.False(empty.HasMss || empty.HasTimestamps || empty.HasWindowScale || empty.SackPermitted);
        Assert.Equal(-1, padding.TimestampsOffset);
        Assert.Equal(-1, padding.SackOffset);
    }

    [Fact]
    public void TryRead_EndOfList_IgnoresWhatFollows()
    {
        // Bytes after EOL are padding and may be anything, even an invalid option.
        Assert.True(TcpOptionReader.TryRead([2, 4, 5, 180, 0, 2, 0, 9], out var options));

        Assert.True(options.HasMss);
        Assert.Equal(1460, options.Mss);
    }

    [Fact]
    public void TryRead_LinuxSynOptions_ReadsEveryField()
    {
        // mss 1460, sackOK, TS val 2998700179 ecr 0, nop, wscale 10: the kernel's own SYN layout.
        byte[] options = [2, 4, 5, 180, 4, 2, 8, 10, 0xB2, 0xBC, 0x88, 0x93, 0, 0, 0, 0, 1, 3, 3, 10];

        Assert.True(TcpOptionReader.TryRead(options, out var result));

        Assert.Equal(1460, result.Mss);
        Assert.True(result.SackPermitted);
        Assert.True(result.HasTimestamps);
        Assert.Equal(2998700179u, result.TsVal);
        Assert.Equal(0u, result.TsEcr);
        Assert.Equal(6, result.TimestampsOffset);
        Assert.True(result.HasWindowScale);
        Assert.Equal(10, result.WindowScale);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void TryRead_SackBlocks_CountsBlocksAndOffset(int blocks)
    {
        var options = new byte[2 + 2 + (8 * blocks)];
        options[0] = 1;
        options[1] = 1;
        options[2] = 5;
        options[3] = (byte)(2 + (8 * blocks));

        Assert.True(TcpOptionReader.TryRead(options, out var result));

        Assert.Equal(blocks, result.SackBlocks);
        Assert.Equal(2, result.SackOffset);
    }

    [Fact]
    public void TryRead_UnknownOption_IsSkipped()
    {
        // Kind 30 (MPTCP) with a 4-byte body, then MSS.
        Assert.True(TcpOptionReader.TryRead([30, 6, 1, 2, 3, 4, 2, 4, 2, 0], out var result));

        Assert.Equal(512, result.Mss);
    }

    [Fact]
    public void TryRead_WindowScaleAbove14_ClampsTo14()
    {
        // RFC 7323 section 2.3: a shift count above 14 is used as 14.
        Assert.True(TcpOptionReader.TryRead([3, 3, 15], out var result));

        Assert.Equal(14, result.WindowScale);
    }
}
