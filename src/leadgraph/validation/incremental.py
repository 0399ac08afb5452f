"""stub"""

def kept(store):
    return False
