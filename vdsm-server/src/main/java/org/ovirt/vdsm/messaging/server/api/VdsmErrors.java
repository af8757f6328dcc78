package org.ovirt.vdsm.messaging.server.api;

import org.ovirt.vdsm.messaging.jsonrpc.JsonRpcError;
import org.ovirt.vdsm.messaging.server.rpc.ApiException;

/**
 * The VDSM error codes the default backend answers with, each with VDSM's message; a detail is
 * appended after a colon, as VDSM does.
 */
final class VdsmErrors {
  /** {@code noVM}. */
  static final int NO_VM = JsonRpcError.NO_VM;
  /** {@code exist}. */
  static final int VM_EXISTS = JsonRpcError.VM_EXISTS;
  /** {@code down}: the VM is {@code Down} (shut down, waiting for {@code VM.destroy}). */
  static final int VM_IS_DOWN = 6;
  /** {@code createErr}: the VM could not be created (here: the host holds its maximum of VMs). */
  static final int CREATE_ERROR = 9;
  /** {@code unsupportedOperationErr}: the operation is invalid in the VM's current status. */
  static final int UNSUPPORTED_OPERATION = 75;
  /** General exception. */
  static final int GENERAL = JsonRpcError.GENERAL_EXCEPTION;
  /** Storage: {@code StorageDomainDoesNotExist}. */
  static final int STORAGE_DOMAIN_DOES_NOT_EXIST = 358;
  /** Storage: {@code UnknownTask}. */
  static final int UNKNOWN_TASK = 401;
  /** Storage: {@code AddTaskError}, too many tasks are running. */
  static final int ADD_TASK_ERROR = 405;
  /** Storage: {@code TaskStateError}, e.g. clearing a running task or stopping a finished one. */
  static final int TASK_STATE_ERROR = 410;
  /** Storage: {@code TaskAborted}, the code a stopped task finishes with. */
  static final int TASK_ABORTED = 411;
  /** Storage: {@code StorageServerConnectionError}, a connection's status when it cannot be made. */
  static final int STORAGE_SERVER_CONNECTION_ERROR = 451;

  private VdsmErrors() {}

  static ApiException noVm(String vmId) {
    return new ApiException(NO_VM, "Virtual machine does not exist: " + vmId);
  }

  static ApiException vmExists(String vmId) {
    return new ApiException(VM_EXISTS, "Virtual machine already exists: " + vmId);
  }

  static ApiException vmIsDown(String vmId) {
    return new ApiException(VM_IS_DOWN, "Virtual machine is down: " + vmId);
  }

  static ApiException tooManyVms(int max) {
    return new ApiException(CREATE_ERROR,
        "Error creating the requested VM: the host already holds its maximum of " + max + " VMs");
  }

  static ApiException unsupported(String operation, String vmId, String status) {
    return new ApiException(UNSUPPORTED_OPERATION,
        "Operation not supported: cannot " + operation + " VM " + vmId + " in status " + status);
  }

  static ApiException noStorageDomain(String sdUUID) {
    return new ApiException(STORAGE_DOMAIN_DOES_NOT_EXIST, "Storage domain does not exist: " + sdUUID);
  }

  static ApiException unknownTask(String taskId) {
    return new ApiException(UNKNOWN_TASK, "Task id unknown: " + taskId);
  }

  static ApiException tooManyTasks(int max) {
    return new ApiException(ADD_TASK_ERROR,
        "TaskManager error, unable to add task: " + max + " tasks are running already");
  }

  static ApiException taskState(String taskId, String state) {
    return new ApiException(TASK_STATE_ERROR,
        "Operation is not allowed in this task state: task " + taskId + " is " + state);
  }

  static ApiException general(String detail) {
    return new ApiException(GENERAL, "General Exception: " + detail);
  }

  static ApiException invalidParams(String detail) {
    return new ApiException(JsonRpcError.invalidParams(detail));
  }
}
