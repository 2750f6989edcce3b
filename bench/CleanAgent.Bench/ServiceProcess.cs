using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;

namespace CleanAgent.Bench;

/// <summary>The real CleanAgent WebApi, started as a child process on 127.0.0.1 with its configuration in the environment.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-4b1d9c0e7a-0123456789abcdef";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pump;
    private long _peakBytes;

    private ServiceProcess(Process process, StreamWriter log, Uri baseAddress, string logPath)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        LogPath = logPath;
        Admin = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
        Admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        _pump = Task.WhenAll(Pump(process.StandardOutput), Pump(process.StandardError));
    }

    public Uri BaseAddress { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    /// <summary>An HTTP client that carries the admin key.</summary>
    public HttpClient Admin { get; }

    /// <summary>The highest resident set the process reached (VmHWM), in bytes.</summary>
    public long PeakWorkingSetBytes => Math.Max(_peakBytes, ReadPeakBytes());

    /// <summary>User and system CPU time the service has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static string DefaultDll() =>
        typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "WebApiDll").Value!;

    public static async Task<ServiceProcess> StartAsync(
        string dll, IReadOnlyDictionary<string, string> environment, string logPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The WebApi was not built at {dll}; run the bench with `dotnet run -c Release --project bench/CleanAgent.Bench`.", dll);
        }

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Admin__ApiKeys__0"] = AdminKey;
        start.Environment["DataProtection__KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft"] = "Warning";
        start.Environment["Logging__LogLevel__Hangfire"] = "Warning";
        start.Environment["AllowedHosts"] = "*";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var service = new ServiceProcess(process, log, baseAddress, logPath);
        try
        {
            await service.WaitHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    private Timer? _threadSampler;
    private int _peakThreads;

    /// <summary>The most threads the process had since <see cref="ResetPeakThreads"/>, sampled every 100 ms.</summary>
    public int PeakThreads => Volatile.Read(ref _peakThreads);

    public void ResetPeakThreads()
    {
        Volatile.Write(ref _peakThreads, 0);
        _threadSampler ??= new Timer(_ => SampleThreads(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    private void SampleThreads()
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("Threads:", StringComparison.Ordinal));
            if (line is not null && int.TryParse(line["Threads:".Length..].Trim(), out var threads) && threads > _peakThreads)
            {
                Volatile.Write(ref _peakThreads, threads);
            }
        }
        catch (IOException)
        {
            // The process has ended, or this is not Linux.
        }
    }

    /// <summary>Samples VmHWM so the peak is known even if the process is gone when it is asked.</summary>
    public void Sample() => _peakBytes = Math.Max(_peakBytes, ReadPeakBytes());

    public async Task<Guid> PostAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var response = await Admin.PostAsJsonAsync(path, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    public async ValueTask DisposeAsync()
    {
        if (_threadSampler is not null)
        {
            await _threadSampler.DisposeAsync();
        }

        Sample();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            await _pump.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"warning: service process {_process.Id} did not exit within 15 s");
        }

        Admin.Dispose();
        await _log.DisposeAsync();
        _process.Dispose();
    }

    public string LogTail(int lines = 30)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private async Task WaitHealthyAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with code {_process.ExitCode} during start-up:\n{LogTail()}");
            }

            try
            {
                using var response = await client.GetAsync("/health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The service did not become healthy within {limit.TotalSeconds} s:\n{LogTail()}");
    }

    private async Task Pump(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }

    private long ReadPeakBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // The process is gone or /proc is not there (not Linux): fall back below.
        }

        try
        {
            return _process.HasExited ? 0 : _process.PeakWorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
