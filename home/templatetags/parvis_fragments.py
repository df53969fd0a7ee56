"""``{% sharedfragment "name" page.pk ... %}…{% endsharedfragment %}``: a part of a page kept for every visitor.

The part is rendered once per content generation and phase (see
``pagecache/fragments.py``) and reused for anonymous visitors and
signed-in residents alike, so it must hold nothing personal: no ``user``,
no form (its CSRF token), no message. The variables after the name tell
apart what differs by more than host and language (the page, a page number);
a final ``if condition`` (or ``if not condition``) keeps the part only when it
holds (a list not filtered, no form on the page).
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from pagecache.fragments import prefetch_fragments, query_key, shared_fragment

register = template.Library()


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on, condition=None, negate=False):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on
        self.condition, self.negate = condition, negate

    def render(self, context):
        if self.condition is not None and bool(self.condition.resolve(context)) == self.negate:
            return self.nodelist.render(context)
        name = self.name.resolve(context)
        vary_on = [str(variable.resolve(context)) for variable in self.vary_on]
        return shared_fragment(context.get("request"), name, vary_on, lambda: self.nodelist.render(context))


@register.tag("sharedfragment")
def do_shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' needs a fragment name")
    condition, negate = None, False
    if len(bits) > 4 and bits[-3:-1] == ["if", "not"]:  # {% sharedfragment "name" if not personal %}
        condition, negate, bits = parser.compile_filter(bits[-1]), True, bits[:-3]
    elif len(bits) > 3 and bits[-2] == "if":  # {% sharedfragment "name" var if keepable %}: kept only then
        condition, bits = parser.compile_filter(bits[-1]), bits[:-2]
    nodelist = parser.parse(("endsharedfragment",))
    parser.delete_first_token()
    return SharedFragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]],
                              condition, negate)


def shared_block_query(block, request) -> list[str] | None:
    """What of the query string a shared block's HTML depends on, or None when it must be rendered afresh.

    A block reading the query string names the parameters in ``Meta.shared_query``
    (a gallery's ``page``); it is kept only for small page numbers of those, so
    random parameters cannot fill the cache. Other blocks ignore the query string.
    """
    names = getattr(block.meta, "shared_query", ())
    if not names:
        return []
    return query_key(request, names)


def is_shared_block(block) -> bool:
    """Whether a block's HTML is the same for every visitor: ours say so (``Meta.shared``); Wagtail's own
    field blocks (rich text, images, pages…) render their value only. Any other block is personal."""
    explicit = getattr(block.meta, "shared", None)
    if explicit is not None:
        return explicit
    return type(block).__module__.startswith("wagtail.")


@register.simple_tag(takes_context=True)
def include_shared_block(context, bound_block):
    """``{% include_block %}`` that keeps the HTML of a shared block (``is_shared_block``) for every visitor."""
    def render():
        if hasattr(bound_block, "render_as_block"):
            return bound_block.render_as_block(context=context.flatten())
        return conditional_escape(bound_block)

    request = context.get("request")
    block = getattr(bound_block, "block", None)
    if request is None or block is None or not is_shared_block(block) or not getattr(bound_block, "id", None):
        return mark_safe(render())
    query = shared_block_query(block, request)
    if query is None:
        return mark_safe(render())
    page = context.get("page")
    # Safe: the HTML is what render_as_block gave (kept as it was rendered).
    return mark_safe(shared_fragment(request, f"block:{bound_block.id}", [getattr(page, "pk", ""), *query], render))


@register.filter
def all_shared(stream) -> bool:
    """Whether every block of a StreamField value is shared and ignores the query string, read from the
    raw data (no block converted, no query): such a stream is kept whole, its blocks never loaded."""
    try:
        children, raw = stream.stream_block.child_blocks, stream.raw_data
    except AttributeError:
        return False
    for item in raw:
        block = children.get(item["type"])
        if block is None or not is_shared_block(block) or getattr(block.meta, "shared_query", ()):
            return False
    return True


@register.simple_tag(takes_context=True)
def include_stream(context, stream):
    """Every block of a StreamField value, as ``{% include_shared_block %}`` would, but a shared block kept
    for every visitor is read from the cache before it is even loaded (its pages and images not fetched)."""
    request, page = context.get("request"), context.get("page")
    children = stream.stream_block.child_blocks
    shared = {}  # index -> (name, vary_on) of the blocks kept for every visitor
    for index, item in enumerate(stream.raw_data):
        block = children.get(item["type"])
        query = shared_block_query(block, request) if request is not None and block is not None else None
        if query is not None and item.get("id") and is_shared_block(block):
            shared[index] = (f"block:{item['id']}", [getattr(page, "pk", ""), *query])
    prefetch_fragments(request, list(shared.values()))
    parts = []
    for index in range(len(stream.raw_data)):
        if index not in shared:
            parts.append(include_shared_block(context, stream[index]))
            continue
        name, vary_on = shared[index]
        parts.append(shared_fragment(
            request, name, vary_on, lambda index=index: stream[index].render_as_block(context=context.flatten()),
        ))
    return mark_safe("".join(parts))
