// Multi-process all-reduce benchmark: one GPU per MPI rank, NCCL for the collective
// (after the NCCL user guide's "one device per process" example).
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cuda_runtime.h>
#include <mpi.h>
#include <nccl.h>

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
    cudaError_t e = cmd;                                                         \
    if (e != cudaSuccess) {                                                      \
      printf("Failed: Cuda error %s:%d '%s'\n", __FILE__, __LINE__,              \
             cudaGetErrorString(e));                                             \
      exit(EXIT_FAILURE);                                                        \
    }                                                                            \
  } while (0)

#define NCCLCHECK(cmd)                                                           \
  do {                                                                           \
    ncclResult_t r = cmd;                                                        \
    if (r != ncclSuccess) {                                                      \
      printf("Failed, NCCL error %s:%d '%s'\n", __FILE__, __LINE__,              \
             ncclGetErrorString(r));                                             \
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

  ncclUniqueId id;
  ncclComm_t comm;
  float *sendbuff, *recvbuff;
  float* hostbuff = (float*)malloc(size * sizeof(float));
  cudaStream_t s;
  cudaEvent_t start, stop;

  if (myRank == 0) ncclGetUniqueId(&id);
  MPICHECK(MPI_Bcast((void*)&id, sizeof(id), MPI_BYTE, 0, MPI_COMM_WORLD));

  CUDACHECK(cudaSetDevice(localRank));
  CUDACHECK(cudaMalloc(&sendbuff, size * sizeof(float)));
  CUDACHECK(cudaMalloc(&recvbuff, size * sizeof(float)));
  CUDACHECK(cudaMemset(recvbuff, 0, size * sizeof(float)));
  CUDACHECK(cudaStreamCreate(&s));
  CUDACHECK(cudaEventCreate(&start));
  CUDACHECK(cudaEventCreate(&stop));

  fill_kernel<<<(size + 255) / 256, 256, 0, s>>>(sendbuff, (float)(myRank + 1), size);
  CUDACHECK(cudaGetLastError());

  NCCLCHECK(ncclCommInitRank(&comm, nRanks, id, myRank));

  CUDACHECK(cudaEventRecord(start, s));
  NCCLCHECK(ncclAllReduce((const void*)sendbuff, (void*)recvbuff, size, ncclFloat, ncclSum, comm, s));
  CUDACHECK(cudaEventRecord(stop, s));
  CUDACHECK(cudaStreamSynchronize(s));

  float ms = 0.f;
  CUDACHECK(cudaEventElapsedTime(&ms, start, stop));

  // average in place: NCCL >= 2.10 could do this with ncclAvg
  NCCLCHECK(ncclAllReduce((const void*)recvbuff, (void*)recvbuff, size, ncclFloat, ncclAvg, comm, s));
  scale_kernel<<<(size + 255) / 256, 256>>>(recvbuff, 1.0f, size);
  CUDACHECK(cudaMemcpy(hostbuff, recvbuff, size * sizeof(float), cudaMemcpyDeviceToHost));
  CUDACHECK(cudaDeviceSynchronize());

  if (myRank == 0) {
    printf("allreduce of %d floats on %d ranks: %.3f ms, %.2f GB/s, first=%f\n", size, nRanks, ms,
           size * sizeof(float) / ms / 1e6, hostbuff[0]);
  }

  CUDACHECK(cudaEventDestroy(start));
  CUDACHECK(cudaEventDestroy(stop));
  CUDACHECK(cudaFree(sendbuff));
  CUDACHECK(cudaFree(recvbuff));
  free(hostbuff);
  ncclCommDestroy(comm);
  MPICHECK(MPI_Finalize());
  printf("[MPI Rank %d] Success \n", myRank);
  return 0;
}
