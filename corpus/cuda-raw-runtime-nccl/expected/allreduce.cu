// Multi-process all-reduce benchmark: one GPU per MPI rank, NCCL for the collective
// (after the NCCL user guide's "one device per process" example).
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <acl/acl.h>
#include <mpi.h>
#include <hccl/hccl.h>

#define MPICHECK(cmd)                                                            \
  do {                                                                           \
    int e = cmd;                                                                 \
    if (e != MPI_SUCCESS) {                                                      \
      printf("Failed: MPI error %s:%d '%d'\n", __FILE__, __LINE__, e);           \
      exit(EXIT_FAILURE);                                                        \
    }                                                                            \
  } while (0)

#define CUDACHECK(cmd)                                                           \
  do {                                                                           \
    aclError e = cmd;                                                         \
    if (e != ACL_SUCCESS) {                                                      \
      printf("Failed: Cuda error %s:%d '%s'\n", __FILE__, __LINE__,              \
             cudaGetErrorString(e));                                             \
      exit(EXIT_FAILURE);                                                        \
    }                                                                            \
  } while (0)

#define NCCLCHECK(cmd)                                                           \
  do {                                                                           \
    HcclResult r = cmd;                                                        \
    if (r != HCCL_SUCCESS) {                                                      \
      printf("Failed, NCCL error %s:%d '%s'\n", __FILE__, __LINE__,              \
             HcclGetErrorString(r));                                             \
      exit(EXIT_FAILURE);                                                        \
    }                                                                            \
  } while (0)

__global__ void fill_kernel(float* buf, float value, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) buf[i] = value;
}

__global__ void scale_kernel(float* buf, float inv_world, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) buf[i] = buf[i] * inv_world;
}

int main(int argc, char* argv[]) {
  int size = 32 * 1024 * 1024;
  int myRank, nRanks, localRank = 0;

  MPICHECK(MPI_Init(&argc, &argv));
  MPICHECK(MPI_Comm_rank(MPI_COMM_WORLD, &myRank));
  MPICHECK(MPI_Comm_size(MPI_COMM_WORLD, &nRanks));
  localRank = myRank % 8;

  HcclRootInfo id;
  HcclComm comm;
  float *sendbuff, *recvbuff;
  float* hostbuff = (float*)malloc(size * sizeof(float));
  aclrtStream s;
  aclrtEvent start, stop;

  if (myRank == 0) HcclGetRootInfo(&id);
  MPICHECK(MPI_Bcast((void*)&id, sizeof(id), MPI_BYTE, 0, MPI_COMM_WORLD));

  CUDACHECK(aclrtSetDevice(localRank));
  CUDACHECK(aclrtMalloc((void**)&sendbuff, size * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST));
  CUDACHECK(aclrtMalloc((void**)&recvbuff, size * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST));
  CUDACHECK(aclrtMemset(recvbuff, size * sizeof(float), 0, size * sizeof(float)));
  CUDACHECK(aclrtCreateStream(&s));
  CUDACHECK(aclrtCreateEvent(&start));
  CUDACHECK(aclrtCreateEvent(&stop));

  fill_kernel<<<(size + 255) / 256, 256, 0, s>>>(sendbuff, (float)(myRank + 1), size);
  CUDACHECK(aclrtGetLastError(ACL_RT_THREAD_LEVEL));

  NCCLCHECK(HcclCommInitRootInfo(nRanks, &id, myRank, &comm));

  CUDACHECK(aclrtRecordEvent(start, s));
  NCCLCHECK(HcclAllReduce((const void*)sendbuff, (void*)recvbuff, size, HCCL_DATA_TYPE_FP32, HCCL_REDUCE_SUM, comm, s));
  CUDACHECK(aclrtRecordEvent(stop, s));
  CUDACHECK(aclrtSynchronizeStream(s));

  float ms = 0.f;
  CUDACHECK(aclrtEventElapsedTime(&ms, start, stop));

  // average in place: NCCL >= 2.10 could do this with ncclAvg
  NCCLCHECK(HcclAllReduce((const void*)recvbuff, (void*)recvbuff, size, HCCL_DATA_TYPE_FP32, ncclAvg, comm, s));
  scale_kernel<<<(size + 255) / 256, 256>>>(recvbuff, 1.0f, size);
  CUDACHECK(aclrtMemcpy(hostbuff, size * sizeof(float), recvbuff, size * sizeof(float), ACL_MEMCPY_DEVICE_TO_HOST));
  CUDACHECK(aclrtSynchronizeDevice());

  if (myRank == 0) {
    printf("allreduce of %d floats on %d ranks: %.3f ms, %.2f GB/s, first=%f\n", size, nRanks, ms,
           size * sizeof(float) / ms / 1e6, hostbuff[0]);
  }

  CUDACHECK(aclrtDestroyEvent(start));
  CUDACHECK(aclrtDestroyEvent(stop));
  CUDACHECK(aclrtFree(sendbuff));
  CUDACHECK(aclrtFree(recvbuff));
  free(hostbuff);
  HcclCommDestroy(comm);
  MPICHECK(MPI_Finalize());
  printf("[MPI Rank %d] Success \n", myRank);
  return 0;
}
