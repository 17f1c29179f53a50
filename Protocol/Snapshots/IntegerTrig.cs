namespace Tanks.Protocol.Snapshots;

/// <summary>
/// A cosine table for the codec's position prediction, built with IEEE double + − × ÷ only (a Taylor series, no libm), so
/// it is bit-identical on every platform: encoder and decoder must predict exactly the same position.
/// </summary>
internal static class IntegerTrig
{
    /// <summary>Table entries per full turn (angle u16 &gt;&gt; 4).</summary>
    public const int Steps = 4096;

    /// <summary>Values are scaled by 2^14.</summary>
    public const int Shift = 14;

    private static readonly int[] Cos = Build();

    /// <summary>Entry <paramref name="index"/> (0..4095) of the table: cos(index · 2π / 4096) × 2^14 as built here.</summary>
    public static int Entry(int index) => Cos[index];

    /// <summary>cos of a u16 angle, × 2^14.</summary>
    public static int CosOf(ushort angle) => Cos[angle >> 4];

    /// <summary>sin of a u16 angle, × 2^14 (cos of angle − quarter turn).</summary>
    public static int SinOf(ushort angle) => Cos[(ushort)(angle - 16384) >> 4];

    private static int[] Build()
    {
        const double Pi = 3.141592653589793;
        var quarter = Steps / 4;
        var first = new int[quarter + 1];
        for (var i = 0; i <= quarter; i++)
        {
            var x = i * (Pi / 2) / quarter;
            double term = 1, sum = 1;
            for (var k = 1; k <= 12; k++)
            {
                term = -term * x * x / ((2 * k - 1) * (2 * k));
                sum += term;
            }
            // Round half to even (IEEE default); no entry of this table is an exact half, but say which rule it is.
            first[i] = (int)Math.Round(sum * (1 << Shift), MidpointRounding.ToEven);
        }
        var table = new int[Steps];
        for (var i = 0; i < Steps; i++)
        {
            var q = i / quarter;
            var r = i % quarter;
            table[i] = q switch
            {
                0 => first[r],
                1 => -first[quarter - r],
                2 => -first[r],
                _ => first[quarter - r],
            };
        }
        return table;
    }
}
