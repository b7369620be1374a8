const firebaseConfig = {
  apiKey: "AIza2GX5dmj13oG7EojmpyFMKwimJDbmvWBLkrR",
  authDomain: "app-8.firebaseapp.com",
  projectId: "app-8",
};
