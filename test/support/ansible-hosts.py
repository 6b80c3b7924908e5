"""Print, as JSON, the hosts ansible-core's InventoryManager.get_hosts returns for each pattern (in its order), per --limit.

argv: inventory path, then a JSON object {"patterns": [...], "limits": [null | "pattern", ...]}; relative limit files
resolve from the cwd, as ansible's do. Output: {"<limit or ''>": [[host, ...] per pattern]}.
"""
import json
import sys

from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager

spec = json.loads(sys.argv[2])
out = {}
for limit in spec["limits"]:
    inv = InventoryManager(loader=DataLoader(), sources=[sys.argv[1]])
    inv.subset(limit)
    out[limit or ""] = [[h.name for h in inv.get_hosts(p)] for p in spec["patterns"]]
print(json.dumps(out))
