namespace CleanAgent.Infrastructure.Calls.Media;

/// <summary>What a frame changed: the caller started speaking (barge-in), or finished a turn.</summary>
internal enum VadEvent
{
    None,
    SpeechStarted,
    TurnEnded,
}

/// <summary>
/// Energy voice-activity detection on 20 ms frames of 16-bit mono PCM: a frame is speech when its RMS level is above an
/// absolute threshold and above the noise floor by a margin. The noise floor is the quietest frame of the last
/// <see cref="FloorWindowFrames"/> (minimum statistics): speech has pauses between words that keep it low, steady noise
/// raises it to the noise's level. Speech starts after <see cref="StartFrames"/> speech
/// frames in a row (a click is not a caller), and the turn ends after enough silent frames; a turn shorter than
/// <see cref="MinTurnFrames"/> speech frames is dropped as noise.
/// </summary>
internal sealed class EnergyVad
{
    public const int FrameMilliseconds = 20;
    public const int StartFrames = 3;
    public const int MinTurnFrames = 10;

    private readonly double _thresholdDb;
    private readonly double _marginDb;
    private readonly int _endSilenceFrames;
    public const int FloorWindowFrames = 150;

    private readonly double[] _levels = new double[FloorWindowFrames];
    private int _levelNext;

    /// <summary>
    /// Before anything was heard the floor is taken to be just under the threshold, so a caller who speaks at once is
    /// heard; steady noise from the start is learnt within one window.
    /// </summary>
    public EnergyVad(double thresholdDb = -45, double marginDb = 10, int endSilenceMilliseconds = 700)
    {
        _thresholdDb = thresholdDb;
        _marginDb = marginDb;
        _endSilenceFrames = Math.Max(1, endSilenceMilliseconds / FrameMilliseconds);
        Array.Fill(_levels, thresholdDb - marginDb);
    }
    private int _speechRun;
    private int _silenceRun;
    private int _turnSpeechFrames;

    public bool InSpeech { get; private set; }

    /// <summary>The level of the last frame, in dBFS.</summary>
    public double LastLevelDb { get; private set; } = -120;

    public VadEvent Push(ReadOnlySpan<short> frame)
    {
        var level = LevelDb(frame);
        LastLevelDb = level;
        var speech = level > _thresholdDb && level > NoiseFloorDb + _marginDb;
        _levels[_levelNext] = level;
        _levelNext = (_levelNext + 1) % FloorWindowFrames;

        if (!InSpeech)
        {
            _speechRun = speech ? _speechRun + 1 : 0;
            if (_speechRun < StartFrames)
            {
                return VadEvent.None;
            }

            InSpeech = true;
            _silenceRun = 0;
            _turnSpeechFrames = _speechRun;
            return VadEvent.SpeechStarted;
        }

        if (speech)
        {
            _silenceRun = 0;
            _turnSpeechFrames++;
            return VadEvent.None;
        }

        if (++_silenceRun < _endSilenceFrames)
        {
            return VadEvent.None;
        }

        InSpeech = false;
        _speechRun = 0;
        return _turnSpeechFrames >= MinTurnFrames ? VadEvent.TurnEnded : VadEvent.None;
    }

    /// <summary>The quietest level of the recent frames.</summary>
    public double NoiseFloorDb
    {
        get
        {
            var floor = double.MaxValue;
            foreach (var level in _levels)
            {
                floor = Math.Min(floor, level);
            }

            return floor;
        }
    }

    public static double LevelDb(ReadOnlySpan<short> frame)
    {
        if (frame.IsEmpty)
        {
            return -120;
        }

        double sum = 0;
        foreach (var sample in frame)
        {
            sum += (double)sample * sample;
        }

        var rms = Math.Sqrt(sum / frame.Length) / short.MaxValue;
        return rms <= 1e-6 ? -120 : 20 * Math.Log10(rms);
    }
}
