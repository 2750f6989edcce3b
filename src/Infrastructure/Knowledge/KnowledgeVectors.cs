using System.Numerics;
using System.Runtime.InteropServices;

namespace CleanAgent.Infrastructure.Knowledge;

/// <summary>
/// The compact form of a chunk's vector: one signed byte per dimension, scaled so the largest component is ±127.
/// A quarter of float32's size, and cosine similarity, which ignores the scale, barely moves (about 0.01).
/// </summary>
internal static class KnowledgeVectors
{
    public static byte[] Quantize(ReadOnlySpan<float> vector)
    {
        var largest = 0f;
        foreach (var component in vector)
        {
            largest = Math.Max(largest, Math.Abs(component));
        }

        var bytes = new byte[vector.Length];
        if (largest > 0 && float.IsFinite(largest))
        {
            var scale = 127f / largest;
            for (var i = 0; i < vector.Length; i++)
            {
                bytes[i] = unchecked((byte)(sbyte)Math.Round(vector[i] * scale));
            }
        }

        return bytes;
    }

    public static ReadOnlySpan<sbyte> Components(byte[] vector) => MemoryMarshal.Cast<byte, sbyte>(vector.AsSpan());

    public static double Norm(ReadOnlySpan<sbyte> vector) => Math.Sqrt(Dot(vector, vector));

    /// <summary>The dot product, eight or more components at a time: the products of ±127s fit a short, their sums an int.</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var length = Math.Min(a.Length, b.Length);
        var sums = Vector<int>.Zero;
        var i = 0;
        for (; i <= length - Vector<sbyte>.Count; i += Vector<sbyte>.Count)
        {
            Vector.Widen(new Vector<sbyte>(a[i..]), out var aLow, out var aHigh);
            Vector.Widen(new Vector<sbyte>(b[i..]), out var bLow, out var bHigh);
            Vector.Widen(aLow * bLow, out var p0, out var p1);
            Vector.Widen(aHigh * bHigh, out var p2, out var p3);
            sums += p0 + p1 + p2 + p3;
        }

        var sum = Vector.Sum(sums);
        for (; i < length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
