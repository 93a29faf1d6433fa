"""Runs the benchmark process in SpiffWorkflow (PyPI) the way the Swift harness runs it in Clientele: start an
instance, complete its user task with an amount, run to the end. Prints JSON: instances, seconds, per second.
Usage: python3 Benchmarks/spiff_bench.py Benchmarks/processes/order.bpmn 2000"""
import json
import sys
import time

from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def main(path, count):
    parser = BpmnParser()
    parser.add_bpmn_file(path)
    spec = parser.get_spec("order")
    completed = 0
    started = time.perf_counter()
    for index in range(count):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            task.data["amount"] = 500 if index % 2 else 1500
            task.run()
        workflow.do_engine_steps()
        # Service tasks wait in STARTED for the host to finish them; the host's action answers at once, as the
        # Swift harness's does.
        while not workflow.is_completed():
            waiting = workflow.get_tasks(state=TaskState.STARTED)
            if not waiting:
                break
            for task in waiting:
                task.complete()
            workflow.do_engine_steps()
        completed += workflow.is_completed()
    seconds = time.perf_counter() - started
    print(json.dumps({"instances": count, "completed": completed, "seconds": seconds, "per_second": count / seconds}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
