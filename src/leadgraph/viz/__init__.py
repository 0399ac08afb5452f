"""Views of the network: the interactive offline page (:mod:`.page`, with its
:mod:`.layout` and ``templates/``). A new view is a module beside the page.
"""
