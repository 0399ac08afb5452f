"""The graph as a network: the store index and the people-centred projection
(:mod:`.projection`), choosing part of it (:mod:`.selection`) and describing it
(:mod:`.analytics`). A new analysis is a function in :mod:`.analytics`.
"""
