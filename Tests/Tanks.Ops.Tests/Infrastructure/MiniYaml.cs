using System.Globalization;
using System.Text;

namespace Tanks.Ops.Tests.Infrastructure;

/// <summary>
/// A small YAML reader for what helm, promtool tests and our config files contain: block mappings and
/// sequences (also sequences at the same indent as their key), literal/folded block scalars, plain and quoted
/// scalars (incl. folded continuation lines), one-line flow collections, comments and "---" documents.
/// Scalars stay strings (no type resolution); an empty value is null. Anchors, tags and multi-line flow
/// collections are not supported (the files checked here do not use them).
/// </summary>
public static class MiniYaml
{
    public static List<object?> LoadAll(string text)
    {
        var docs = new List<object?>();
        var current = new List<string>();
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (raw == "---" || raw.StartsWith("--- ", StringComparison.Ordinal) || raw == "...")
            {
                Flush();
                continue;
            }

            current.Add(raw);
        }

        Flush();
        return docs;

        void Flush()
        {
            if (current.Any(l => !IsBlankOrComment(l)))
            {
                docs.Add(new Parser(current).ParseDocument());
            }

            current = [];
        }
    }

    public static object? Load(string text) => LoadAll(text).SingleOrDefault();

    private static bool IsBlankOrComment(string line)
    {
        var t = line.TrimStart();
        return t.Length == 0 || t[0] == '#';
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private sealed class Parser(List<string> lines)
    {
        private readonly List<string> _lines = lines;
        private int _pos;

        public object? ParseDocument()
        {
            SkipBlank();
            if (_pos >= _lines.Count)
            {
                return null;
            }

            var node = ParseNode(Indent(_lines[_pos]));
            SkipBlank();
            if (_pos < _lines.Count)
            {
                throw new FormatException($"unexpected content at line {_pos + 1}: '{_lines[_pos]}'");
            }

            return node;
        }

        private void SkipBlank()
        {
            while (_pos < _lines.Count && IsBlankOrComment(_lines[_pos]))
            {
                _pos++;
            }
        }

        private object? ParseNode(int indent)
        {
            SkipBlank();
            if (_pos >= _lines.Count)
            {
                return null;
            }

            var line = _lines[_pos];
            var content = line[Indent(line)..];
            if (IsSeqItem(content))
            {
                return ParseSeq(Indent(line));
            }

            if (FindMapColon(content) >= 0)
            {
                return ParseMap(Indent(line));
            }

            _pos++;
            if (content[0] is '|' or '>')
            {
                return ParseBlockScalar(content, Indent(line) - 1);
            }

            return ParseInlineScalar(content, Indent(line) - 1);
        }

        private static bool IsSeqItem(string content) => content == "-" || content.StartsWith("- ", StringComparison.Ordinal);

        private List<object?> ParseSeq(int indent)
        {
            var list = new List<object?>();
            while (true)
            {
                SkipBlank();
                if (_pos >= _lines.Count)
                {
                    break;
                }

                var line = _lines[_pos];
                var ind = Indent(line);
                var content = line[ind..];
                if (ind != indent || !IsSeqItem(content))
                {
                    break;
                }

                var rest = content.Length > 1 ? content[2..] : "";
                var restTrim = rest.TrimStart(' ');
                if (restTrim.Length == 0 || restTrim[0] == '#')
                {
                    _pos++;
                    list.Add(NextIsChild(indent, allowSameIndentSeq: false) ? ParseNode(indent + 1) : null);
                    continue;
                }

                // "- x": re-read the item content as a node starting at its own column.
                var column = ind + 2 + (rest.Length - restTrim.Length);
                _lines[_pos] = new string(' ', column) + restTrim;
                list.Add(ParseNode(column));
            }

            return list;
        }

        private Dictionary<string, object?> ParseMap(int indent)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                SkipBlank();
                if (_pos >= _lines.Count)
                {
                    break;
                }

                var line = _lines[_pos];
                var ind = Indent(line);
                if (ind != indent)
                {
                    if (ind > indent)
                    {
                        throw new FormatException($"bad indentation at line {_pos + 1}: '{line}'");
                    }

                    break;
                }

                var content = line[ind..];
                if (IsSeqItem(content))
                {
                    break;
                }

                var colon = FindMapColon(content);
                if (colon < 0)
                {
                    throw new FormatException($"expected 'key: value' at line {_pos + 1}: '{line}'");
                }

                var key = Unquote(content[..colon].Trim());
                var rest = content[(colon + 1)..].Trim();
                _pos++;
                map[key] = ParseValue(rest, indent);
            }

            return map;
        }

        private object? ParseValue(string rest, int indent)
        {
            if (rest.Length == 0 || rest[0] == '#')
            {
                return NextIsChild(indent, allowSameIndentSeq: true) ? ParseNode(indent + 1) : null;
            }

            if (rest[0] is '|' or '>')
            {
                return ParseBlockScalar(rest, indent);
            }

            return ParseInlineScalar(rest, indent);
        }

        private bool NextIsChild(int indent, bool allowSameIndentSeq)
        {
            SkipBlank();
            if (_pos >= _lines.Count)
            {
                return false;
            }

            var ind = Indent(_lines[_pos]);
            return ind > indent || (allowSameIndentSeq && ind == indent && IsSeqItem(_lines[_pos][ind..]));
        }

        private object? ParseInlineScalar(string first, int indent)
        {
            // Continuation lines of a folded plain or quoted scalar are more indented than the key.
            var parts = new List<string> { first.Trim() };
            while (_pos < _lines.Count && !IsBlankOrComment(_lines[_pos]) && Indent(_lines[_pos]) > indent
                   && !(parts.Count == 1 && LooksComplete(first.Trim())))
            {
                parts.Add(_lines[_pos].Trim());
                _pos++;
            }

            var joined = new StringBuilder();
            foreach (var p in parts)
            {
                if (joined.Length > 0 && joined[^1] == '\\')
                {
                    joined.Length--;
                }
                else if (joined.Length > 0)
                {
                    joined.Append(' ');
                }

                joined.Append(p);
            }

            return Scalar(joined.ToString());
        }

        private static bool LooksComplete(string s) =>
            s.Length > 0 && (s[0] is '[' or '{') && (s[^1] is ']' or '}');

        private string ParseBlockScalar(string header, int indent)
        {
            var literal = header[0] == '|';
            var chomp = header.Contains('-') ? '-' : header.Contains('+') ? '+' : ' ';
            var body = new List<string>();
            int? blockIndent = null;
            while (_pos < _lines.Count)
            {
                var line = _lines[_pos];
                if (line.Trim().Length == 0)
                {
                    body.Add("");
                    _pos++;
                    continue;
                }

                var ind = Indent(line);
                blockIndent ??= ind;
                if (ind < blockIndent || ind <= indent)
                {
                    break;
                }

                body.Add(line[blockIndent.Value..]);
                _pos++;
            }

            var trailingBlank = 0;
            while (body.Count > 0 && body[^1].Length == 0)
            {
                body.RemoveAt(body.Count - 1);
                trailingBlank++;
            }

            var text = literal ? string.Join("\n", body) : Fold(body);
            return chomp switch
            {
                '-' => text,
                '+' => text + new string('\n', trailingBlank + 1),
                _ => body.Count == 0 ? "" : text + "\n",
            };
        }

        private static string Fold(List<string> body)
        {
            var sb = new StringBuilder();
            for (var i = 0; i < body.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(body[i].Length == 0 || body[i - 1].Length == 0 || body[i].StartsWith(' ') ? "\n" : " ");
                }

                sb.Append(body[i]);
            }

            return sb.ToString();
        }
    }

    /// <summary>Index of the ':' that ends a mapping key (outside quotes and flow brackets), or -1.</summary>
    private static int FindMapColon(string content)
    {
        if (content.Length == 0 || content[0] is '[' or '{')
        {
            return -1;
        }

        char quote = '\0';
        for (var i = 0; i < content.Length; i++)
        {
            var c = content[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"')
                {
                    i++;
                }

                continue;
            }

            if ((c is '"' or '\'') && i == 0)
            {
                quote = c;
            }
            else if (c == '#' && i > 0 && content[i - 1] == ' ')
            {
                return -1;
            }
            else if (c == ':' && (i + 1 == content.Length || content[i + 1] == ' '))
            {
                return i;
            }
        }

        return -1;
    }

    private static object? Scalar(string s)
    {
        s = StripComment(s).Trim();
        if (s.Length == 0 || s == "~" || s == "null")
        {
            return null;
        }

        if (s[0] == '[' && s[^1] == ']')
        {
            return SplitFlow(s[1..^1]).Select(Scalar).ToList();
        }

        if (s[0] == '{' && s[^1] == '}')
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var item in SplitFlow(s[1..^1]))
            {
                var colon = FindMapColon(item);
                if (colon < 0)
                {
                    throw new FormatException($"bad flow mapping item '{item}'");
                }

                map[Unquote(item[..colon].Trim())] = Scalar(item[(colon + 1)..]);
            }

            return map;
        }

        return Unquote(s);
    }

    private static string StripComment(string s)
    {
        char quote = '\0';
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"')
                {
                    i++;
                }
            }
            else if (c is '"' or '\'' && (i == 0 || s[i - 1] is ' ' or '[' or '{' or ','))
            {
                quote = c;
            }
            else if (c == '#' && i > 0 && s[i - 1] == ' ')
            {
                return s[..i];
            }
        }

        return s;
    }

    private static List<string> SplitFlow(string inner)
    {
        var items = new List<string>();
        var depth = 0;
        char quote = '\0';
        var start = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"')
                {
                    i++;
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    break;
                case '[' or '{':
                    depth++;
                    break;
                case ']' or '}':
                    depth--;
                    break;
                case ',' when depth == 0:
                    items.Add(inner[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }

        var last = inner[start..].Trim();
        if (last.Length > 0)
        {
            items.Add(last);
        }

        return items;
    }

    private static string Unquote(string s)
    {
        if (s.Length >= 2 && s[0] == '\'' && s[^1] == '\'')
        {
            return s[1..^1].Replace("''", "'");
        }

        if (s.Length >= 2 && s[0] == '"' && s[^1] == '"')
        {
            var sb = new StringBuilder();
            for (var i = 1; i < s.Length - 1; i++)
            {
                var c = s[i];
                if (c != '\\' || i + 1 >= s.Length - 1)
                {
                    sb.Append(c);
                    continue;
                }

                var e = s[++i];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '0': sb.Append('\0'); break;
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case ' ': sb.Append(' '); break;
                    case 'x':
                        sb.Append((char)int.Parse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 2;
                        break;
                    case 'u':
                        sb.Append((char)int.Parse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                        i += 4;
                        break;
                    default: sb.Append('\\').Append(e); break;
                }
            }

            return sb.ToString();
        }

        return s;
    }
}

/// <summary>Navigation helpers over MiniYaml's object tree.</summary>
public static class Y
{
    public static Dictionary<string, object?> Map(object? node, string what = "node") =>
        node as Dictionary<string, object?> ?? throw new InvalidOperationException($"{what} is not a mapping: {node}");

    public static List<object?> Seq(object? node, string what = "node") =>
        node as List<object?> ?? throw new InvalidOperationException($"{what} is not a sequence: {node}");

    /// <summary>Value at a dotted path ("spec.template.spec"); null when any part is missing.</summary>
    public static object? At(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is Dictionary<string, object?> m && m.TryGetValue(part, out var v))
            {
                node = v;
            }
            else if (node is List<object?> l && int.TryParse(part, out var i) && i < l.Count)
            {
                node = l[i];
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    public static string? Str(object? node, string path) => At(node, path) as string;

    public static Dictionary<string, object?> MapAt(object? node, string path) =>
        At(node, path) as Dictionary<string, object?> ?? throw new InvalidOperationException($"'{path}' is not a mapping");

    public static List<object?> SeqAt(object? node, string path) =>
        At(node, path) as List<object?> ?? [];
}
