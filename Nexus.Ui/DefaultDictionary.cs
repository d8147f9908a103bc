namespace Nexus.Ui;

/// <summary>A dictionary that makes a value on first read, so a form can bind one field per row without set-up.</summary>
public sealed class DefaultDictionary<TKey, TValue>(Func<TValue> create) where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _values = new();

    public TValue this[TKey key]
    {
        get => _values.TryGetValue(key, out var value) ? value : _values[key] = create();
        set => _values[key] = value;
    }
}
