namespace Nexus.Ui.Forms;

/// <summary>How a field is edited, from its schema type and the function's UI hints.</summary>
public enum FieldKind
{
    Text,
    Textarea,
    Number,
    Integer,
    Boolean,
    Select,
    File,
    Json,
    Hidden,
    Object,
    Array,
}
