using Microsoft.Extensions.Logging;
using SharpPcap;
using SharpPcap.LibPcap;
using TcpShadow.DataPlane.Packets;

namespace TcpShadow.Intercept.Capture;

/// <summary>
/// Live capture through libpcap (SharpPcap): immediate mode, a BPF filter, inbound direction where the platform
/// supports it. SharpPcap allocates a small header object per packet; the AF_PACKET ring is the zero-allocation path.
/// </summary>
public sealed partial class PcapResponseCapture : IResponseCaptureSource
{
    private readonly LibPcapLiveDevice _device;
    private readonly ILogger _logger;
    private bool _closed;

    private PcapResponseCapture(LibPcapLiveDevice device, LinkType linkType, ILogger logger)
    {
        _device = device;
        LinkType = linkType;
        _logger = logger;
    }

    public LinkType LinkType { get; }

    public long KernelDrops => _closed ? 0 : (long)(_device.Statistics?.DroppedPackets ?? 0);

    /// <summary>Opens the device; start-up errors throw with the fix in the message.</summary>
    public static PcapResponseCapture Open(PcapCaptureOptions options, ILogger<PcapResponseCapture> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        LibPcapLiveDevice? device;
        try
        {
            device = LibPcapLiveDeviceList.New().FirstOrDefault(d => string.Equals(d.Name, options.Interface, StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is DllNotFoundException or PcapException or TypeInitializationException)
        {
            throw new InvalidOperationException(
                $"libpcap could not list capture devices ({ex.Message}). Install libpcap (Debian: apt-get install libpcap0.8 libpcap-dev) and run as root or with CAP_NET_RAW.", ex);
        }
        if (device is null)
        {
            throw new InvalidOperationException(
                $"-i {options.Interface}: no such capture device. Use an interface name from 'ip link' (e.g. eth0) or 'any'.");
        }
        try
        {
            device.Open(new DeviceConfiguration
            {
                Mode = DeviceModes.None,
                Snaplen = options.SnapLength,
                ReadTimeout = options.ReadTimeoutMs,
                Immediate = true,
                BufferSize = options.BufferSize,
            });
        }
        catch (PcapException ex)
        {
            throw new InvalidOperationException(
                $"-i {options.Interface}: libpcap could not open the device ({ex.Message}). Run as root or grant CAP_NET_RAW and CAP_NET_ADMIN.", ex);
        }
        // Only responses arriving here matter; 'inbound' (Linux libpcap, all link types) also hides what this host
        // sends itself. SharpPcap exposes no pcap_setdirection, so the direction rides in the filter.
        var filter = $"({options.Filter}) and inbound";
        try
        {
            device.Filter = filter;
        }
        catch (PcapException inboundError)
        {
            LogDirectionUnsupported(logger, options.Interface, inboundError.Message);
            filter = options.Filter;
            try
            {
                device.Filter = filter;
            }
            catch (PcapException ex)
            {
                device.Close();
                throw new InvalidOperationException(
                    $"-F '{options.Filter}': libpcap rejected the filter ({ex.Message}). Write a tcpdump-style expression, e.g. -F 'tcp and src host 198.18.2.10'.", ex);
            }
        }
        var capture = new PcapResponseCapture(device, (LinkType)(int)device.LinkType, logger);
        LogOpened(logger, options.Interface, filter, capture.LinkType.ToString(), options.SnapLength);
        return capture;
    }

    public unsafe CaptureReadStatus Read(out ReadOnlySpan<byte> frame, out long timestampNs)
    {
        // pcap_next_ex through raw pointers: GetNextPacket builds a header object per packet.
        var header = IntPtr.Zero;
        var data = IntPtr.Zero;
        int status;
        try
        {
            status = _device.GetNextPacketPointers(ref header, ref data);
        }
        catch (Exception ex) when (ex is PcapException or ObjectDisposedException or DeviceNotReadyException)
        {
            LogFault(_logger, ex.Message);
            frame = default;
            timestampNs = 0;
            return CaptureReadStatus.Closed;
        }
        switch (status)
        {
            case 1:
                // struct pcap_pkthdr on LP64: struct timeval (two longs), then caplen and len.
                var seconds = *(long*)header;
                var micros = *(long*)((byte*)header + 8);
                frame = new ReadOnlySpan<byte>((void*)data, *(int*)((byte*)header + 16));
                timestampNs = (seconds * 1_000_000_000L) + (micros * 1000L);
                return CaptureReadStatus.Packet;
            case 0:
                frame = default;
                timestampNs = 0;
                return CaptureReadStatus.Timeout;
            default:
                frame = default;
                timestampNs = 0;
                return CaptureReadStatus.Closed;
        }
    }

    public void Dispose()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        _device.Close();
    }
}
